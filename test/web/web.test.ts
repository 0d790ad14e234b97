// The browser app in Chromium: the Vite build served as static files; a generated file with rejects and ties is
// uploaded through the file input and curated in the page's worker (wasm-simd); the downloads equal what
// `pairsmith curate` writes with the command line the page shows, byte for byte (the manifest apart from times
// and the input path); no request leaves the page after it has loaded; screenshots at 1280 and 390 px.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium, serveStatic } from '../helpers/browser.js';
import { generateCandidates } from './gen.js';

const available = browserAvailable();
const OUT = resolve('test-output/web');
const DIST = join(OUT, 'dist');

/** Splits a POSIX command line as the page quotes it (bare words and single-quoted words). */
function shellSplit(line: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:'((?:[^']|'\\'')*)'|(\S+))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) {
    if (m[1] !== undefined) out.push(m[1].replace(/'\\''/g, "'"));
    else if (m[2] !== undefined) out.push(m[2]);
  }
  return out;
}

/** Times and the CLI's absolute input path taken out of a manifest (the only parts that differ). */
function comparable(m: Record<string, unknown>): Record<string, unknown> {
  const { started_at: a, ended_at: b, inputs, ...rest } = m;
  expect(typeof a).toBe('string');
  expect(typeof b).toBe('string');
  return { ...rest, inputs: (inputs as string[]).map((p) => p.split('/').pop()) };
}

interface PageRun {
  command: string;
  downloads: Map<string, Buffer>;
  networkAfterLoad: string[];
  messages: string[];
  engine: string;
}

describe.skipIf(!available)('the browser app (Chromium)', () => {
  let server: Server;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    await build({ configFile: resolve('web/vite.config.ts'), logLevel: 'warn', build: { outDir: DIST, emptyOutDir: true } });
    ({ server, url } = await serveStatic(DIST));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  /** Opens the page, uploads `file`, sets the form, runs, and saves every download. */
  async function runInPage(tag: string, file: string, form: Record<string, string | boolean>, page?: Page): Promise<PageRun & { page: Page }> {
    page ??= await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const messages: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') messages.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => messages.push(`pageerror: ${String(e)}`));
    let loaded = false;
    const networkAfterLoad: string[] = [];
    page.on('request', (r) => {
      // blob: and data: URLs are the page's own memory, not the network.
      if (loaded && !/^(blob|data):/.test(r.url())) networkAfterLoad.push(r.url());
    });
    await page.goto(`${url}/index.html`, { waitUntil: 'load' });
    loaded = true;
    await page.waitForSelector('#engine[data-backend]');
    const engine = (await page.getAttribute('#engine', 'data-backend')) ?? '';
    await page.setInputFiles('#file', file);
    await page.waitForFunction(() => !document.getElementById('detected')?.textContent?.includes('looking'));
    for (const [flag, v] of Object.entries(form)) {
      const sel = `#opt-${flag.slice(2)}`;
      if (typeof v === 'boolean') await page.setChecked(sel, v);
      else if ((await page.$eval(sel, (e) => e.tagName)) === 'SELECT') await page.selectOption(sel, v);
      else await page.fill(sel, v);
    }
    const command = (await page.textContent('#cmd')) ?? '';
    await page.click('#run');
    await page.waitForFunction(() => document.body.dataset.state !== undefined, undefined, { timeout: 60_000 });
    expect(await page.getAttribute('body', 'data-state'), (await page.textContent('#status')) ?? '').toBe('done');
    const downloads = new Map<string, Buffer>();
    for (const a of await page.$$('#downloads a')) {
      const name = (await a.getAttribute('download'))!;
      const [dl] = await Promise.all([page.waitForEvent('download'), a.click()]);
      const bytes = readFileSync((await dl.path())!);
      downloads.set(name, bytes);
      mkdirSync(join(OUT, tag, 'page'), { recursive: true });
      writeFileSync(join(OUT, tag, 'page', name), bytes);
    }
    return { page, command, downloads, networkAfterLoad, messages, engine };
  }

  /** `pairsmith curate` with the page's command line, in a folder holding the input under the same name. */
  async function runCli(tag: string, file: string, command: string): Promise<string> {
    const dir = join(OUT, tag, 'cli');
    mkdirSync(dir, { recursive: true });
    copyFileSync(file, join(dir, file.split('/').pop()!));
    const argv = shellSplit(command);
    expect(argv[0]).toBe('pairsmith');
    // The real command in its own process, in the folder (in-process runs resolve the report's rejects file
    // against the test's cwd).
    const r = spawnSync(process.execPath, [resolve('dist/cli/bin.js'), ...argv.slice(1)], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return dir;
  }

  function expectSameOutputs(dir: string, r: PageRun, names: string[]): void {
    for (const name of names) {
      const cli = readFileSync(join(dir, name));
      const web = r.downloads.get(name);
      expect(web, `${name} was not offered for download`).toBeDefined();
      if (name.endsWith('.manifest.json')) {
        expect(comparable(JSON.parse(web!.toString('utf8')))).toEqual(comparable(JSON.parse(cli.toString('utf8'))));
      } else {
        expect(web!.length, name).toBe(cli.length);
        expect(web!.equals(cli), `${name} differs from the CLI's`).toBe(true);
      }
    }
  }

  it('curates a generated file with rejects and ties: the JSON Lines, SFT, rejects and manifest equal the CLI\'s; wasm-simd; no request after load; screenshots', async () => {
    const file = join(OUT, 'generated.jsonl');
    writeFileSync(file, generateCandidates(3000));
    const r = await runInPage('jsonl', file, { '--fraction': '0.6', '--weights': 'rating-gap', '--route': true, '--hard-fraction': '0.2' });
    const page = r.page;
    expect(r.engine).toBe('wasm-simd');
    // Routing reorders rows: they waited in the origin-private file system.
    expect(await page.getAttribute('body', 'data-spool')).toBe('opfs');
    expect(r.command).toContain('--fraction 0.6');
    const dir = await runCli('jsonl', file, r.command);
    expectSameOutputs(dir, r, ['curated.jsonl', 'curated.sft.jsonl', 'curated.jsonl.rejects.jsonl', 'curated.jsonl.manifest.json']);
    const manifest = JSON.parse(r.downloads.get('curated.jsonl.manifest.json')!.toString('utf8'));
    expect(manifest.backend).toBe('wasm-simd');
    // The file's edges reached the counts: rejects by reason, a tie-less pool, excluded scores.
    expect(Object.keys(manifest.rejected_by_reason).sort()).toEqual(['length_mismatch', 'malformed_json', 'missing_field', 'not_an_object', 'too_few_scored', 'wrong_type']);
    expect(manifest.no_pair_by_reason.no_spread).toBe(120);
    expect(manifest.excluded_by_reason).toEqual({ score_null: 120, score_nan: 120, score_infinite: 120 });
    expect(manifest.records.read).toBe(3000);
    // The page shows what the files hold.
    const rows = r.downloads.get('curated.jsonl')!.toString('utf8').split('\n').filter(Boolean).length;
    expect(await page.textContent('.table-count')).toBe(`${rows.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} rows`);
    expect(await page.textContent('#rejects')).toContain(`${manifest.records.rejected} rejected records`);
    // The inline report is the CLI's page (apart from times and the input's path).
    const html = await page.$eval('#report', (f) => (f as HTMLIFrameElement).srcdoc);
    const norm = (s: string): string => s.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, 'T').replaceAll(`${dir}/`, '');
    expect(norm(html)).toBe(norm(readFileSync(join(dir, 'curated.report.html'), 'utf8')));
    expect(r.downloads.get('curated.report.html')!.toString('utf8')).toBe(html);
    // Search and sort in the table.
    await page.fill('#pairs-search', 'zzz-no-such-text');
    await page.waitForFunction(() => document.querySelector('.table-count')?.textContent?.startsWith('0 of'));
    await page.fill('#pairs-search', '');
    await page.click('th:has-text("selection score") button');
    await page.click('th:has-text("selection score") button');
    expect(await page.getAttribute('th:has-text("selection score")', 'aria-sort')).toBe('ascending');
    expect(r.networkAfterLoad).toEqual([]);
    expect(r.messages).toEqual([]);
    // Screenshots for the README: the results at 1280 px, the top of the page at a phone's 390 px.
    await page.$eval('.table-scroll', (e) => e.scrollTo(0, 0));
    await page.setViewportSize({ width: 1280, height: 1180 });
    await page.$eval('#h-results', (e) => e.scrollIntoView());
    await page.screenshot({ path: join(OUT, 'page-1280.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(OUT, 'page-390.png') });
    // No horizontal scrolling of the page at phone width (wide tables scroll in their own box).
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.close();
  }, 120_000);

  it('a multi-member .jsonl.gz input and a Parquet output: the Parquet file equals the CLI\'s byte for byte', async () => {
    const text = generateCandidates(1500, 11);
    const half = text.indexOf('\n', text.length >> 1) + 1;
    const file = join(OUT, 'generated.jsonl.gz');
    writeFileSync(file, Buffer.concat([gzipSync(text.slice(0, half)), gzipSync(text.slice(half))]));
    const r = await runInPage('parquet', file, { '--output': 'curated.parquet', '--transform': 'zscore', '--by': 'external', '--top': '500' });
    const dir = await runCli('parquet', file, r.command);
    expectSameOutputs(dir, r, ['curated.parquet', 'curated.parquet.rejects.jsonl', 'curated.parquet.manifest.json']);
    expect(r.networkAfterLoad).toEqual([]);
    expect(r.messages).toEqual([]);
    await r.page.close();
  }, 120_000);

  it('a pairs input with the report: the rows and the inline report equal the CLI\'s', async () => {
    // Pairs reach the report in pass 1 (their numbers), as in the CLI.
    const candidates = join(OUT, 'generated-for-pairs.jsonl');
    writeFileSync(candidates, generateCandidates(800, 5));
    const file = join(OUT, 'pairs-in.jsonl');
    const p = spawnSync(process.execPath, [resolve('dist/cli/bin.js'), 'pairs', candidates, '-o', file], { encoding: 'utf8' });
    expect(p.status, p.stderr).toBe(0);
    const r = await runInPage('pairs', file, { '--fraction': '0.5' });
    expect(r.command).toContain('--report');
    const dir = await runCli('pairs', file, r.command);
    expectSameOutputs(dir, r, ['curated.jsonl', 'curated.jsonl.manifest.json']);
    const html = await r.page.$eval('#report', (f) => (f as HTMLIFrameElement).srcdoc);
    const norm = (s: string): string => s.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, 'T').replaceAll(`${dir}/`, '');
    expect(norm(html)).toBe(norm(readFileSync(join(dir, 'curated.report.html'), 'utf8')));
    expect(html).toContain('Selection kept');
    expect(r.messages).toEqual([]);
    await r.page.close();
  }, 120_000);

  it('cancel stops a run; a bad option is refused before it starts', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/index.html`);
    await page.waitForSelector('#engine[data-backend]');
    const file = join(OUT, 'larger.jsonl');
    writeFileSync(file, generateCandidates(60_000, 3));
    await page.setInputFiles('#file', file);
    await page.fill('#opt-fraction', '2');
    expect(await page.textContent('#opt-fraction-error')).toBe("--fraction must be a number >= 5e-324 and <= 1, got '2'");
    expect(await page.isDisabled('#run')).toBe(true);
    await page.fill('#opt-fraction', '');
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Pass 1'));
    await page.click('#cancel');
    expect(await page.textContent('#status')).toMatch(/^Cancelled/);
    expect(await page.isEnabled('#run')).toBe(true);
    expect(await page.getAttribute('body', 'data-state')).toBeNull();
    // Without the report, pass 1's batches go to the batch workers too.
    await page.setChecked('#opt-report', false);
    expect(await page.textContent('#cmd')).not.toContain('--report');
    await page.click('#run');
    await page.waitForFunction(() => document.body.dataset.state !== undefined, undefined, { timeout: 60_000 });
    expect(await page.getAttribute('body', 'data-state')).toBe('done');
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    if (cores > 1) expect(Number(await page.getAttribute('body', 'data-pooled'))).toBeGreaterThan(0);
    expect(await page.isHidden('#report')).toBe(true);
    await page.close();
  });
});

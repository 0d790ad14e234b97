// The browser app against the CLI on one large generated file (issue #17: a 500 MB file curates in the page within
// 3x the CLI's time, without the tab running out of memory). Not a test: it prints a table and writes
// bench-results/web-<time>.json.
//   node scripts/web-bench.mjs [megabytes=500]
// Steps: generate a seeded candidates file (kept in test-output/web-bench/ for later runs), build the page, time
// `pairsmith curate` (fresh processes, with and without the HTML report the page always makes), then the page in
// headless Chromium (upload through the file input, click Curate, wait for the result), sampling the renderer
// processes' resident memory every 250 ms and asking performance.measureUserAgentSpecificMemory() (the page is
// served cross-origin isolated so it may). The page's curated file is compared with the CLI's (SHA-256).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import { extname, join, resolve } from 'node:path';

const MB = Number(process.argv[2] ?? 500);
const root = resolve(new URL('..', import.meta.url).pathname);
const dir = join(root, 'test-output/web-bench');
mkdirSync(dir, { recursive: true });
const input = join(dir, `candidates-${MB}mb.jsonl`);

// ---- The input: prompts with 8 scored responses of about 450 characters and their log-probs.
async function generate() {
  if (existsSync(input) && statSync(input).size >= MB * 1e6 * 0.99) return;
  let s = 20240601;
  const r = () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const WORDS = 'the of and to in is that for it as with was on be by this are or from at which an have not but they can more one all their there been if has will also when would what so each about how then into only some than other these its time two may first like new any such very most could our over'.split(' ');
  const text = (n) => {
    let t = '';
    while (t.length < n) t += (t ? ' ' : '') + WORDS[Math.floor(r() * WORDS.length)];
    return t;
  };
  const out = createWriteStream(input);
  let bytes = 0;
  let i = 0;
  while (bytes < MB * 1e6) {
    const k = 8;
    const responses = Array.from({ length: k }, () => text(400 + Math.floor(r() * 100)));
    const mu = r() * 4 - 2;
    const scores = responses.map(() => Number((mu + r() + r() + r() + r() - 2 + (r() < 0.03 ? -6 : 0)).toFixed(6)));
    const pol = responses.map(() => Number((-40 - r() * 60).toFixed(3)));
    const ref = responses.map(() => Number((-40 - r() * 60).toFixed(3)));
    const line = `${JSON.stringify({ id: i++, prompt: text(120), responses, scores, policy_logps: pol, reference_logps: ref })}\n`;
    bytes += Buffer.byteLength(line);
    if (!out.write(line)) await new Promise((ok) => out.once('drain', ok));
  }
  await new Promise((ok) => out.end(ok));
}

const sha = (path) =>
  new Promise((ok, fail) => {
    const h = createHash('sha256');
    createReadStream(path).on('data', (c) => h.update(c)).on('end', () => ok(h.digest('hex'))).on('error', fail);
  });

/** One fresh `pairsmith curate` process: wall seconds and peak RSS (GNU time). */
function cli(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, join(root, 'dist/cli/bin.js'), ...args], { cwd: dir, encoding: 'utf8' });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`pairsmith ${args.join(' ')}: ${r.stderr}`);
  const kb = Number(r.stderr.trim().split('\n').pop());
  return { s, rssMB: kb / 1024 };
}

/** Resident memory (MB) of the largest Chromium renderer process (the page and its worker live in one). */
function rendererRss() {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('chromium') || !cmd.includes('--type=renderer')) continue;
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) total = Math.max(total, Number(m[1]) / 1024);
    } catch {
      // The process ended.
    }
  }
  return total;
}

function serve(base) {
  const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const server = createServer((req, res) => {
    let p = join(base, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (p.endsWith('/')) p += 'index.html';
    if (!p.startsWith(base) || !existsSync(p)) return res.writeHead(404).end();
    // Cross-origin isolated, so the page may call performance.measureUserAgentSpecificMemory().
    res.writeHead(200, { 'content-type': TYPES[extname(p)] ?? 'application/octet-stream', 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }).end(readFileSync(p));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${server.address().port}/` })));
}

await generate();
const size = statSync(input).size;
console.log(`input: ${input} (${(size / 1e6).toFixed(0)} MB)`);
if (!existsSync(join(root, 'dist/cli/bin.js'))) spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const dist = join(dir, 'dist');
const { build } = await import('vite');
await build({ configFile: join(root, 'web/vite.config.ts'), logLevel: 'warn', build: { outDir: dist, emptyOutDir: true } });

const name = input.split('/').pop();
const cliPlain = cli(['curate', name, '-o', 'cli.jsonl', '--quiet']);
console.log(`cli: ${cliPlain.s.toFixed(1)} s, peak RSS ${cliPlain.rssMB.toFixed(0)} MB`);
const cliReport = cli(['curate', name, '-o', 'cli-report.jsonl', '--report', 'cli-report.report.html', '--quiet']);
console.log(`cli --report: ${cliReport.s.toFixed(1)} s, peak RSS ${cliReport.rssMB.toFixed(0)} MB`);

const { chromium } = await import('playwright-core');
const { server, url } = await serve(dist);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--enable-blink-features=ForceEagerMeasureMemory'] });
let backend;
const messages = [];

/** One run in a fresh page: wall seconds from the click to the results, memory, and the curated file's hash. */
async function pageRun(report) {
  const page = await browser.newPage({ acceptDownloads: true });
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && messages.push(m.text()));
  await page.goto(url);
  await page.waitForSelector('#engine[data-backend]');
  backend = await page.getAttribute('#engine', 'data-backend');
  await page.setInputFiles('#file', input);
  await page.waitForFunction(() => !document.getElementById('detected')?.textContent?.includes('looking'));
  await page.setChecked('#opt-report', report);
  const idle = rendererRss();
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, rendererRss())), 250);
  const measured = [];
  const measure = () =>
    page
      .evaluate(async () => (crossOriginIsolated && performance.measureUserAgentSpecificMemory ? (await performance.measureUserAgentSpecificMemory()).bytes : null))
      .then((b) => b !== null && measured.push(b / 2 ** 20))
      .catch(() => {});
  const t0 = Date.now();
  await page.click('#run');
  const mid = setInterval(measure, 3000);
  await page.waitForFunction(() => document.body.dataset.state !== undefined, undefined, { timeout: 30 * 60_000, polling: 200 });
  const s = (Date.now() - t0) / 1000;
  clearInterval(mid);
  clearInterval(sampler);
  const status = await page.textContent('#status');
  if ((await page.getAttribute('body', 'data-state')) !== 'done') throw new Error(`the page run failed: ${status}`);
  const pooled = Number(await page.getAttribute('body', 'data-pooled'));
  await measure();
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#downloads a[download="curated.jsonl"]')]);
  const hash = await sha(await dl.path());
  await page.close();
  return { s, status, idle, peak, measured, pooled, hash };
}

const withReport = await pageRun(true);
console.log(`page (report): ${withReport.s.toFixed(1)} s`);
const noReport = await pageRun(false);
console.log(`page (no report): ${noReport.s.toFixed(1)} s, ${noReport.pooled} batches in batch workers`);
await browser.close();
server.close();
const cliHash = await sha(join(dir, 'cli-report.jsonl'));
const same = withReport.hash === cliHash && noReport.hash === cliHash;
const pageS = withReport.s;
const peakRss = withReport.peak;
const idleRss = withReport.idle;
const measured = withReport.measured;
const status = withReport.status;

const result = {
  input_mb: size / 1e6,
  cpus: cpus().length,
  node: process.versions.node,
  backend,
  cli_s: cliPlain.s,
  cli_rss_mb: cliPlain.rssMB,
  cli_report_s: cliReport.s,
  cli_report_rss_mb: cliReport.rssMB,
  page_s: pageS,
  page_status: status,
  page_no_report_s: noReport.s,
  page_no_report_pooled_batches: noReport.pooled,
  page_no_report_renderer_peak_rss_mb: noReport.peak,
  ratio_no_report_to_cli: noReport.s / cliPlain.s,
  page_renderer_idle_rss_mb: idleRss,
  page_renderer_peak_rss_mb: peakRss,
  page_measured_memory_mb: measured,
  ratio_to_cli_report: pageS / cliReport.s,
  ratio_to_cli: pageS / cliPlain.s,
  output_identical: same,
  console: messages,
};
mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(join(root, 'bench-results', `web-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), `${JSON.stringify(result, null, 2)}\n`);
const f = (x) => x.toFixed(1);
console.log(`
| run (${f(size / 1e6)} MB, ${result.cpus} cores) | wall | memory |
| --- | ---: | ---: |
| \`pairsmith curate\` | ${f(cliPlain.s)} s | ${f(cliPlain.rssMB)} MB peak RSS |
| \`pairsmith curate --report r.html\` (what the page does) | ${f(cliReport.s)} s | ${f(cliReport.rssMB)} MB peak RSS |
| the page (${backend}), click to results | ${f(pageS)} s (${f(result.ratio_to_cli_report)}x) | renderer RSS ${f(idleRss)} MB before, ${f(peakRss)} MB peak; measureUserAgentSpecificMemory ${measured.length ? `max ${f(Math.max(...measured))} MB` : 'n/a'} |
| the page, report off (${noReport.pooled} batches in batch workers) | ${f(noReport.s)} s (${f(result.ratio_no_report_to_cli)}x the CLI without the report) | renderer RSS ${f(noReport.peak)} MB peak |

curated.jsonl of both page runs identical to the CLI's: ${same}`);

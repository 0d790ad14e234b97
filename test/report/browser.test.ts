// The report in a real browser (Chromium via playwright-core): it loads from file:// with no console errors and
// no network requests, every chart has a size, folded sections open without scripts, a screenshot is a real image
// (not one flat colour), and it prints.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/index.js';
import { fixtureData } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip) console.warn(`report browser test skipped: ${CHROMIUM} not found (install Debian's chromium; in CI this test fails instead)`);

describe.skipIf(skip)('report in Chromium', () => {
  let dir: string;
  let ctx: BrowserContext;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pairsmith-report-'));
    file = join(dir, 'report.html');
    writeFileSync(file, renderReport(fixtureData()));
    ctx = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1100, height: 900 },
    });
  });

  afterAll(async () => {
    await ctx?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads with no console errors or network requests, renders every chart and screenshots a real image', async () => {
    const page = await ctx.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);

    const layout = await page.evaluate(() => {
      const svgs = [...document.querySelectorAll('svg')];
      return {
        sections: document.querySelectorAll('main > section').length,
        svgs: svgs.length,
        empty: svgs.filter((s) => {
          const r = s.getBoundingClientRect();
          return !(r.width > 0 && r.height > 0);
        }).length,
        overflowX: document.documentElement.scrollWidth > window.innerWidth,
      };
    });
    expect(layout.sections).toBe(8);
    expect(layout.svgs).toBeGreaterThanOrEqual(10);
    expect(layout.empty).toBe(0);
    expect(layout.overflowX).toBe(false);

    // Folded content opens without scripts: the manifest's summary toggles its <details>.
    expect(await page.evaluate(() => document.querySelector('details.manifest')!.hasAttribute('open'))).toBe(false);
    await page.click('details.manifest > summary');
    expect(await page.evaluate(() => document.querySelector('details.manifest')!.hasAttribute('open'))).toBe(true);
    expect(await page.evaluate(() => document.querySelectorAll('script').length)).toBe(0);

    const png = await page.screenshot({ fullPage: true, type: 'png' });
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.length).toBeGreaterThan(20_000);
    // Decode the screenshot in the browser and count distinct colours on a grid of sample points.
    const blank = await ctx.newPage();
    const colours = await blank.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      const data = g.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4 * 7) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      return { distinct: seen.size, width: c.width, height: c.height };
    }, png.toString('base64'));
    expect(colours.width).toBe(1100);
    expect(colours.height).toBeGreaterThan(900);
    expect(colours.distinct).toBeGreaterThan(20);
    await blank.close();

    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
    await page.close();
  });
});

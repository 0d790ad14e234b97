// The built library in real Chromium: an engine in a page and one in a module Web Worker, both wasm-simd,
// both agreeing with the JS reference (copy-in and resident), also when .wasm is served with a wrong MIME type.
import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium, serveStatic } from '../helpers/browser.js';

const run = browserAvailable();

describe.skipIf(!run)('browser (Chromium)', () => {
  let server: Server;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    ({ server, url } = await serveStatic());
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  async function check(wasmType?: string): Promise<void> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    let served = 0;
    if (wasmType) {
      // Playwright routes the page's and the worker's requests alike.
      await page.route('**/*.wasm', async (route) => {
        const response = await route.fetch();
        served++;
        await route.fulfill({ response, headers: { ...response.headers(), 'content-type': wasmType } });
      });
    }
    await page.goto(`${url}/test/browser/engine-page.html`);
    await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 30_000 });
    const result = (await page.evaluate(() => (window as unknown as { __result: unknown }).__result)) as Record<string, any>;
    expect(result.error).toBeUndefined();
    for (const where of ['page', 'worker']) {
      const r = result[where];
      expect(r.backend, where).toBe('wasm-simd');
      expect(r.simdSupported, where).toBe(true);
      expect(r.got.nonFinite, where).toBe(1);
      expect(r.got.nonFinite).toBe(r.want.nonFinite);
      // f64 accumulation of 1e5 values in [-1, 1]: the order differs (SIMD lanes), the error is tiny
      expect(Math.abs(r.got.sum - r.want.sum), where).toBeLessThan(1e-9);
      expect(r.inPlace.sum, where).toBe(r.got.sum);
      expect(r.bytesInUse, where).toBe(0);
    }
    expect(errors).toEqual([]);
    if (wasmType) expect(served).toBe(2); // simd.wasm for the page and for the worker
    await page.close();
  }

  it('creates engines in a page and in a worker; both run wasm-simd and match the reference', async () => {
    await check();
  });

  it('still gets wasm-simd when the server sends .wasm with a wrong MIME type (compiled from the bytes)', async () => {
    await check('application/octet-stream');
  });
});

// esbuild with the packed package, in Chromium: pairsmith/embedded needs no configuration; the default entry
// works with the file loader and `locate` (the README's recipe) and, without it, falls back with a warning.
import type { Server } from 'node:http';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium, serveStatic } from '../helpers/browser.js';
import { consumer } from '../package/packed.js';
import { appFiles, runApp, SIMD } from './app.js';

const run = browserAvailable();

// The README's esbuild recipe for the default entry: the builds as files next to the bundle, found by `locate`.
const LOCATE = {
  prelude: `import simdUrl from 'pairsmith/wasm/simd.wasm';
import scalarUrl from 'pairsmith/wasm/scalar.wasm';
const locate = (variant) => new URL(variant === 'simd' ? simdUrl : scalarUrl, import.meta.url);`,
  engineOptions: '{ locate }',
};

describe.skipIf(!run)('esbuild', () => {
  let browser: Browser;
  const servers: Server[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    for (const s of servers) s.close();
  });

  async function bundled(files: Record<string, string>, options: BuildOptions = {}): Promise<string> {
    const root = consumer('esbuild', files);
    const outdir = join(root, 'out');
    await build({ entryPoints: ['main.js', 'worker.js'], absWorkingDir: root, bundle: true, format: 'esm', outdir, logLevel: 'silent', ...options });
    copyFileSync(join(root, 'index.html'), join(outdir, 'index.html'));
    const { server, url } = await serveStatic(outdir);
    servers.push(server);
    return `${url}/index.html`;
  }

  it('pairsmith/embedded with no configuration: wasm-simd in the page and the worker', async () => {
    const r = await runApp(browser, await bundled(appFiles('pairsmith/embedded')));
    expect([r.page, r.worker]).toEqual([SIMD, SIMD]);
    expect(r.messages).toEqual([]);
  });

  it("default entry with loader { '.wasm': 'file' } and locate: wasm-simd", async () => {
    const r = await runApp(browser, await bundled(appFiles('pairsmith', LOCATE), { loader: { '.wasm': 'file' } }));
    expect([r.page, r.worker]).toEqual([SIMD, SIMD]);
    expect(r.messages).toEqual([]);
  });

  it('default entry with no configuration: falls back to js, with a console warning saying why', async () => {
    const r = await runApp(browser, await bundled(appFiles('pairsmith')));
    expect([r.page.backend, r.worker.backend]).toEqual(['js', 'js']);
    expect(r.page.reason).toMatch(/simd build failed: HTTP 404 .*\/build\/simd\.wasm/);
    expect(r.messages.filter((m) => m.includes('pairsmith: running the js backend, not wasm-simd')).length).toBe(2);
  });
});

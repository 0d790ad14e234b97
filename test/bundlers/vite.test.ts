// Vite (build and dev server) with the packed package, in Chromium: the README's recipes reach wasm-simd in a page
// and in a module worker; the one setup that cannot (the default entry pre-bundled by the dev server) says so.
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { build, createServer, type InlineConfig, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium, serveStatic } from '../helpers/browser.js';
import { consumer } from '../package/packed.js';
import { appFiles, runApp, SIMD } from './app.js';

const run = browserAvailable();

const base = (root: string): InlineConfig => ({ root, configFile: false, logLevel: 'silent', clearScreen: false });

describe.skipIf(!run)('Vite', () => {
  let browser: Browser;
  const servers: (Server | ViteDevServer)[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    for (const s of servers) 'ws' in s ? await s.close() : s.close();
  });

  async function built(specifier: string): Promise<string> {
    const root = consumer('vite-build', appFiles(specifier));
    await build({ ...base(root), build: { outDir: join(root, 'dist') }, worker: { format: 'es' } });
    const { server, url } = await serveStatic(join(root, 'dist'));
    servers.push(server);
    return `${url}/index.html`;
  }

  async function dev(specifier: string, extra: InlineConfig = {}): Promise<string> {
    const root = consumer('vite-dev', appFiles(specifier));
    const server = await createServer({ ...base(root), server: { host: '127.0.0.1', port: 0, strictPort: false }, ...extra });
    await server.listen();
    servers.push(server);
    return server.resolvedUrls!.local[0]!;
  }

  it('build, default entry (no config): wasm-simd in the page and the worker', async () => {
    const r = await runApp(browser, await built('pairsmith'));
    expect([r.page, r.worker]).toEqual([SIMD, SIMD]);
    expect(r.messages).toEqual([]);
  });

  it('build, pairsmith/embedded: wasm-simd in the page and the worker', async () => {
    const r = await runApp(browser, await built('pairsmith/embedded'));
    expect([r.page, r.worker]).toEqual([SIMD, SIMD]);
    expect(r.messages).toEqual([]);
  });

  it('dev server, pairsmith/embedded (no config): wasm-simd', async () => {
    const r = await runApp(browser, await dev('pairsmith/embedded'));
    expect([r.page, r.worker]).toEqual([SIMD, SIMD]);
    expect(r.messages).toEqual([]);
  });

  it("dev server, default entry with optimizeDeps.exclude: ['pairsmith']: wasm-simd", async () => {
    const r = await runApp(browser, await dev('pairsmith', { optimizeDeps: { exclude: ['pairsmith'] } }));
    expect([r.page, r.worker]).toEqual([SIMD, SIMD]);
  });

  it('dev server, default entry without the exclude: falls back to js, with a console warning saying why', async () => {
    const r = await runApp(browser, await dev('pairsmith'));
    expect(r.page.backend).toBe('js');
    expect(r.page.reason).toMatch(/simd build failed: HTTP 404 .*\.vite\/deps\//);
    const warnings = r.messages.filter((m) => m.includes('pairsmith: running the js backend, not wasm-simd'));
    expect(warnings.length).toBe(2); // once in the page, once in the worker (each is its own realm)
  });
});

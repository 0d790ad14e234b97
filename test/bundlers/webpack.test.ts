// webpack 5 with the packed package, in Chromium, with no configuration beyond entry and output: the default entry
// (webpack handles new URL(..., import.meta.url)) and pairsmith/embedded reach wasm-simd in a page and a worker.
// webpack is installed at test time (test/package/tools.ts); the test is skipped with the reason when that fails.
import type { Server } from 'node:http';
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium, serveStatic } from '../helpers/browser.js';
import { consumer } from '../package/packed.js';
import { installTools, type Installed } from '../package/tools.js';
import { appFiles, runApp, SIMD } from './app.js';

const run = browserAvailable();

describe.skipIf(!run)('webpack 5', () => {
  let browser: Browser;
  let tools: Installed;
  const servers: Server[] = [];

  beforeAll(async () => {
    tools = installTools('webpack', ['webpack@5']);
    if (!tools.ok) console.warn(`[webpack tests skipped] ${tools.why}`);
    else browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    for (const s of servers) s.close();
  });

  async function bundled(specifier: string): Promise<string> {
    if (!tools.ok) throw new Error('unreachable');
    const webpack = createRequire(join(tools.dir, 'package.json'))('webpack') as (o: object, cb: (e: Error | null, s: any) => void) => void;
    const root = consumer('webpack', appFiles(specifier));
    const out = join(root, 'out');
    const stats = await new Promise<any>((ok, ko) =>
      webpack({ mode: 'production', context: root, entry: { main: './main.js' }, output: { path: out, filename: '[name].js' }, performance: { hints: false } }, (e, s) =>
        e ? ko(e) : ok(s),
      ),
    );
    expect(stats.hasErrors() ? stats.toString('errors-only') : '').toBe('');
    copyFileSync(join(root, 'index.html'), join(out, 'index.html'));
    const { server, url } = await serveStatic(out);
    servers.push(server);
    return `${url}/index.html`;
  }

  it('default entry, no configuration: wasm-simd in the page and the worker', async (ctx) => {
    if (!tools.ok) return ctx.skip(tools.why);
    const r = await runApp(browser, await bundled('pairsmith'));
    expect([r.page, r.worker]).toEqual([SIMD, SIMD]);
    expect(r.messages).toEqual([]);
  });

  it('pairsmith/embedded: wasm-simd in the page and the worker', async (ctx) => {
    if (!tools.ok) return ctx.skip(tools.why);
    const r = await runApp(browser, await bundled('pairsmith/embedded'));
    expect([r.page, r.worker]).toEqual([SIMD, SIMD]);
    expect(r.messages).toEqual([]);
  });
});

// A tiny browser app that uses pairsmith in a page and in a module worker, for the bundler tests: each bundler
// builds (or serves) it from a consumer project with the packed package, and Chromium reports the backends.
import type { Browser } from 'playwright-core';

/** main.js + worker.js + index.html importing createEngine from `specifier`; `setup` is code run before it. */
export function appFiles(specifier: string, opts: { engineOptions?: string; prelude?: string } = {}): Record<string, string> {
  const probe = `
${opts.prelude ?? ''}
async function probe() {
  const engine = await createEngine(${opts.engineOptions ?? ''});
  const s = engine.sum(Float32Array.from([0.5, 0.25, NaN]));
  return { backend: engine.backend, reason: engine.fallbackReason ?? null, sum: s.sum, nonFinite: s.nonFinite };
}`;
  return {
    'index.html': '<!doctype html>\n<meta charset="utf-8">\n<link rel="icon" href="data:,">\n<script type="module" src="./main.js"></script>\n',
    'main.js': `import { createEngine } from '${specifier}';
${probe}
function inWorker() {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    w.onmessage = (e) => resolve(e.data);
    w.onerror = (e) => reject(new Error('worker: ' + e.message));
  });
}
Promise.all([probe(), inWorker()]).then(
  ([page, worker]) => { window.__result = { page, worker }; },
  (e) => { window.__result = { error: String((e && e.stack) || e) }; },
);
`,
    'worker.js': `import { createEngine } from '${specifier}';
${probe}
probe().then((r) => postMessage(r), (e) => postMessage({ error: String((e && e.stack) || e) }));
`,
  };
}

export interface Probe {
  backend: string;
  reason: string | null;
  sum: number;
  nonFinite: number;
}

export interface AppResult {
  page: Probe;
  worker: Probe;
  /** Console warnings and errors (Playwright reports the worker's console on the page too), and failed requests. */
  messages: string[];
}

/** Opens `url` in a fresh page and waits for the app's result. */
export async function runApp(browser: Browser, url: string): Promise<AppResult> {
  const page = await browser.newPage();
  const messages: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'warning' || m.type() === 'error') messages.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => messages.push(`pageerror: ${String(e)}`));
  page.on('requestfailed', (r) => messages.push(`requestfailed: ${r.url()}`));
  try {
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 30_000 });
    const result = (await page.evaluate(() => (window as unknown as { __result: unknown }).__result)) as Record<string, any>;
    if (result.error) throw new Error(`${result.error}\n${messages.join('\n')}`);
    return { page: result.page, worker: result.worker, messages };
  } finally {
    await page.close();
  }
}

/** The result every working setup gives: wasm-simd in the page and in the worker, the right sum. */
export const SIMD: Probe = { backend: 'wasm-simd', reason: null, sum: 0.75, nonFinite: 1 };

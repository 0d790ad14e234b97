// Headless Chromium for browser tests: a static server over the repo (dist/, build/) and a playwright-core launcher.
// Bare imports of @assemblyscript/loader in served JS are rewritten to its file, since pages and module workers
// have no bundler here.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import type { Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Browser tests run when Chromium is installed; in CI (CI set) its absence is a failure, not a skip. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing in CI: .ci/run must install Debian's chromium`);
  console.warn(`[browser tests skipped] ${CHROMIUM} not found; install it with: apt-get install -y chromium`);
  return false;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.html': 'text/html',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

/** Serves files under `root` on 127.0.0.1; returns the server and its base URL. */
export async function serveStatic(root = process.cwd()): Promise<{ server: Server; url: string }> {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(base, path);
    if (!file.startsWith(base) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    let body: Buffer | string = readFileSync(file);
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    if (type === 'text/javascript') {
      body = body.toString('utf8').replace(/(['"])@assemblyscript\/loader\1/g, "'/node_modules/@assemblyscript/loader/index.js'");
    }
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { server, url: `http://127.0.0.1:${port}` };
}

/** Launches Debian's Chromium headless with the flags this closed network needs (playwright gives it a fresh profile). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

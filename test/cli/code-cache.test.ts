// The bin runs the CLI bundle with V8's code cache made at build time (src/cli/code-cache.ts): V8 takes it, and a
// cache it refuses (other bytes) or none at all changes nothing but the start-up time.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const BUNDLE = resolve('dist/cli/pairsmith.cjs');
const VERSION = (JSON.parse(spawnSync('node', ['-p', 'JSON.stringify(require("./package.json").version)'], { encoding: 'utf8' }).stdout) as string).trim();

/** Runs `pairsmith --version` through runBundle on `bundle`; what it printed and the cache state it reported. */
function launch(bundle: string, env: Record<string, string> = {}) {
  const code = `import { runBundle } from ${JSON.stringify(pathToFileURL(resolve('dist/cli/code-cache.js')).href)};
const r = runBundle(new URL(${JSON.stringify(pathToFileURL(bundle).href)}));
process.on('exit', () => process.stderr.write('cache=' + r.cache + '\\n'));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code, '--', 'pairsmith', '--version'], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout.trim(), cache: /cache=(\w+)/.exec(r.stderr)?.[1], err: r.stderr };
}

describe('the CLI code cache', () => {
  it('is made by the build and used by this Node', () => {
    expect(existsSync(`${BUNDLE}.cache`)).toBe(true);
    const r = launch(BUNDLE);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(VERSION);
    expect(r.cache).toBe('used');
  });

  it('a refused cache or none: the same output', () => {
    const dir = mkdtempSync(join(resolve('test-output'), 'code-cache-'));
    const copy = join(dir, 'pairsmith.cjs');
    copyFileSync(BUNDLE, copy);
    const none = launch(copy);
    expect([none.code, none.out, none.cache]).toEqual([0, VERSION, 'none']);
    writeFileSync(`${copy}.cache`, Buffer.from('not a V8 code cache'.repeat(100)));
    const bad = launch(copy);
    expect([bad.code, bad.out, bad.cache]).toEqual([0, VERSION, 'rejected']);
  });

  it('the bin itself starts from it (pairsmith --version)', () => {
    const r = spawnSync(process.execPath, ['dist/cli/pairsmith.js', '--version'], { encoding: 'utf8' });
    expect([r.status, r.stdout.trim()]).toEqual([0, VERSION]);
  });
});

// Tools the suite does not depend on (webpack, Bun, Deno, wrangler/workerd) are installed at test time from the
// npm registry into test-output/tools/<name>/, once per checkout, so the project's lockfile stays lean. When the
// install fails (no registry, an unsupported platform) the caller skips with the message.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './packed.js';

export type Installed = { ok: true; dir: string } | { ok: false; why: string };

/** Installs `specs` (e.g. ['webpack@5']) into test-output/tools/<name>/ unless the same specs are there already. */
export function installTools(name: string, specs: string[]): Installed {
  const dir = join(ROOT, 'test-output', 'tools', name);
  const marker = join(dir, 'node_modules', `.pairsmith-installed-${specs.join('+').replace(/[^\w.@+-]/g, '_')}`);
  if (existsSync(marker)) return { ok: true, dir };
  mkdirSync(dir, { recursive: true });
  // Its own package.json, so npm installs here and never into the project above.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `pairsmith-test-tools-${name}`, private: true }));
  const r = spawnSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-package-lock', '--prefer-offline', ...specs], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (r.status !== 0) {
    const why = r.error ? String(r.error) : r.stderr.trim().split('\n').slice(-3).join(' | ');
    return { ok: false, why: `npm install ${specs.join(' ')} failed: ${why}` };
  }
  writeFileSync(marker, '');
  return { ok: true, dir };
}

/** The first of `candidates` (paths under dir) that exists and runs with `args`, or why none does. */
export function findBinary(dir: string, candidates: string[], args = ['--version']): { ok: true; path: string; version: string } | { ok: false; why: string } {
  for (const c of candidates) {
    const path = join(dir, c);
    if (!existsSync(path)) continue;
    const r = spawnSync(path, args, { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return { ok: true, path, version: r.stdout.trim().split('\n')[0]! };
  }
  return { ok: false, why: `none of ${candidates.join(', ')} runs in ${dir}` };
}

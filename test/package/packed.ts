// The package as npm would publish it: `npm pack` of the built worktree (build scripts skipped: the suite runs on
// the current build), extracted into throwaway consumer projects under test-output/. Those projects sit inside the
// worktree, so pairsmith's own dependencies resolve from the worktree's node_modules, as they would from a
// consumer's after `npm install`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Packed {
  tarball: string;
  files: string[];
}

let packed: Packed | undefined;

/** `npm pack --ignore-scripts` once per test file; the tarball and its file list. */
export function pack(): Packed {
  if (packed) return packed;
  const dest = scratchDir('pack');
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  packed = { tarball: join(dest, info!.filename), files: info!.files.map((f) => f.path).sort() };
  return packed;
}

let pruned = false;

/**
 * A fresh directory under test-output/package/ (kept after the run for inspection; test-output/ is not committed).
 * Directories older than an hour, from earlier runs, are removed on first use.
 */
export function scratchDir(name: string): string {
  const base = join(ROOT, 'test-output', 'package');
  mkdirSync(base, { recursive: true });
  if (!pruned) {
    pruned = true;
    for (const d of readdirSync(base)) {
      const p = join(base, d);
      if (Date.now() - statSync(p).mtimeMs > 3_600_000) rmSync(p, { recursive: true, force: true });
    }
  }
  return mkdtempSync(join(base, `${name}-`));
}

/**
 * A consumer project: `package.json` (with `type`), pairsmith extracted into node_modules/pairsmith, and the
 * given files. Returns its directory.
 */
export function consumer(name: string, files: Record<string, string>, type: 'module' | 'commonjs' = 'module'): string {
  const dir = scratchDir(name);
  const pkgDir = join(dir, 'node_modules', 'pairsmith');
  mkdirSync(pkgDir, { recursive: true });
  execFileSync('tar', ['xzf', pack().tarball, '-C', pkgDir, '--strip-components=1']);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, type }, null, 2));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

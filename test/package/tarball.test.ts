// What `npm pack` ships: the files a consumer needs and nothing else, metadata, source maps that resolve, and an
// install without install-script warnings.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { consumer, pack, scratchDir } from './packed.js';

let files: string[];
let dir: string; // the tarball extracted as node_modules/pairsmith of a consumer project
let pkg: Record<string, any>;

beforeAll(() => {
  files = pack().files;
  dir = join(consumer('tarball', {}), 'node_modules', 'pairsmith');
  pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
});

/** Every string leaf of an exports/typesVersions value. */
function targets(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(targets);
  if (v && typeof v === 'object') return Object.values(v).flatMap(targets);
  return [];
}

const strip = (p: string) => p.replace(/^\.\//, '');

describe('npm pack', () => {
  it('ships the license, README, library, bundles, builds, types, sample and README image', () => {
    for (const f of [
      'LICENSE',
      'README.md',
      'package.json',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/node.js',
      'dist/embedded.js',
      'dist/embedded.d.ts',
      'dist/cjs/pairsmith.cjs',
      'dist/cjs/node.d.ts',
      'dist/cjs/package.json',
      'dist/cli/pairsmith.js',
      'dist/cli/pairsmith.cjs',
      'dist/cli/pairsmith.cjs.cache',
      'build/simd.wasm',
      'build/scalar.wasm',
      'build/embedded-wasm.js',
      'build/embedded-wasm.d.ts',
      'types/wasm-module.d.ts',
      'examples/sample.candidates.jsonl',
      'examples/curate.json',
      'docs/report.png',
    ]) {
      expect(files, f).toContain(f);
    }
  });

  it('ships no tests, TypeScript sources, scripts, benchmarks, text formats of the builds or shared data', () => {
    const bad = files.filter(
      (f) =>
        /^(test|src|scripts|bench|node_modules|test-output|\.ci)\//.test(f) ||
        /\.(wat|tgz)$/.test(f) ||
        /alpaca|hh-rlhf/i.test(f) ||
        (f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('assembly/')),
    );
    expect(bad).toEqual([]);
  });

  it('every exports, typesVersions and bin target is in the tarball', () => {
    const wanted = [
      ...targets(pkg.exports),
      ...targets(pkg.typesVersions),
      ...targets(pkg.bin),
      pkg.main,
      pkg.types,
    ].map(strip);
    expect(wanted.length).toBeGreaterThan(15);
    expect(wanted.filter((t) => !files.includes(t))).toEqual([]);
    expect(readFileSync(join(dir, pkg.bin.pairsmith), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('every source map link resolves and every map carries its sources', () => {
    let maps = 0;
    const problems: string[] = [];
    for (const f of files.filter((f) => /\.(c|m)?js$/.test(f))) {
      const link = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(dir, f), 'utf8'))?.[1];
      if (!link) continue;
      const map = join(f, '..', link);
      if (!files.includes(map)) {
        problems.push(`${f}: map ${map} not shipped`);
        continue;
      }
      maps++;
      const m = JSON.parse(readFileSync(join(dir, map), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      m.sources.forEach((s, i) => {
        const text = m.sourcesContent?.[i];
        if (typeof text !== 'string' || text.length === 0) {
          // A source without inline content must at least be a shipped file.
          if (!files.includes(join(map, '..', s))) problems.push(`${map}: source ${s} neither inline nor shipped`);
        }
      });
    }
    expect(problems).toEqual([]);
    expect(maps).toBeGreaterThan(50);
  });

  it('package.json: Apache-2.0 with the license text, repository, homepage, bugs, no install scripts', () => {
    expect(pkg.license).toBe('Apache-2.0');
    const license = readFileSync(join(dir, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect(pkg.repository.url).toMatch(/github\.com\/pairsmith\/pairsmith(\.git)?$/);
    expect(pkg.homepage).toMatch(/^https:\/\/github\.com\/pairsmith\/pairsmith/);
    expect(pkg.bugs.url).toBe('https://github.com/pairsmith/pairsmith/issues');
    for (const s of ['preinstall', 'install', 'postinstall', 'prepare', 'prepublish']) {
      expect(pkg.scripts?.[s], s).toBeUndefined();
    }
    expect(pkg.scripts.prepack).toMatch(/build/);
  });

  it("the README's images are shipped or absolute URLs", () => {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)].map((m) => m[1]!);
    expect(images.length).toBeGreaterThan(0);
    expect(images.filter((i) => !/^https:\/\//.test(i) && !files.includes(strip(i)))).toEqual([]);
  });

  it('installs into a fresh project without install-script warnings', (ctx) => {
    const app = scratchDir('install');
    execFileSync('npm', ['init', '-y'], { cwd: app, stdio: 'ignore' });
    const r = spawnSync('npm', ['install', pack().tarball, '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: app,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (r.status !== 0) {
      ctx.skip(`npm install of the tarball failed (registry unreachable?): ${r.stderr.slice(-400)}`);
      return;
    }
    expect(r.stderr).not.toMatch(/install-scripts|pairsmith@[^ ]* \((pre|post)?(install|prepare)/);
    expect(existsSync(join(app, 'node_modules', '.bin', 'pairsmith'))).toBe(true);
    const version = execFileSync(join(app, 'node_modules', '.bin', 'pairsmith'), ['--version'], { encoding: 'utf8' });
    expect(version.trim()).toBe(pkg.version);
  }, 150_000);
});

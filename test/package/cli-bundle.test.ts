// The bundled CLI (the package's bin, dist/cli/pairsmith.js) behaves as the unbundled tsc output (dist/cli/bin.js):
// same stdout, stderr and files, including what depends on file locations inside the package (build/*.wasm, the
// bundled sample in examples/) and the Parquet libraries the bundle evaluates only when Parquet is read or written.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { consumer } from './packed.js';

const BINS = { bundled: 'node_modules/pairsmith/dist/cli/pairsmith.js', unbundled: 'node_modules/pairsmith/dist/cli/bin.js' };
const SAMPLE = 'node_modules/pairsmith/examples/sample.candidates.jsonl';

let dir: string;
beforeAll(() => {
  dir = consumer('cli-bundle', {});
});

function cli(bin: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// Output files are named by a tag per bin: `{}` in an argument becomes it.
const TAG = { bundled: 'QXB', unbundled: 'QXU' };

/** Runs the same command with both bins; the tag in their outputs is replaced by `{}` again. */
function both(...args: string[]) {
  return Object.fromEntries(
    Object.entries(BINS).map(([kind, bin]) => {
      const tag = TAG[kind as keyof typeof TAG];
      const r = cli(bin, ...args.map((a) => a.replace('{}', tag)));
      return [kind, { ...r, out: r.out.replaceAll(tag, '{}'), err: r.err.replaceAll(tag, '{}') }];
    }),
  );
}

const read = (kind: keyof typeof TAG, file: string) => readFileSync(join(dir, file.replace('{}', TAG[kind])), 'utf8');

/** A manifest without its times, with the bin's tag replaced by `{}`. */
const manifest = (kind: keyof typeof TAG, file: string) => {
  const m = JSON.parse(read(kind, file).replaceAll(TAG[kind], '{}'));
  delete m.started_at;
  delete m.ended_at;
  return m;
};

describe('bundled CLI', () => {
  it('--version, --help and info --json are the same', () => {
    for (const args of [['--version'], ['--help'], ['info', '--json']]) {
      const r = both(...args);
      expect(r.bundled!.code, args.join(' ')).toBe(0);
      expect(r.bundled).toEqual(r.unbundled);
    }
    expect(JSON.parse(both('info', '--json').bundled!.out).backend).toBe('wasm-simd');
  });

  it('curate on the bundled sample (found through the package layout) writes the same rows and summary', () => {
    const r = both('curate', '-o', 'curated-{}.jsonl');
    expect(r.bundled!.code).toBe(0);
    expect(r.bundled).toEqual(r.unbundled);
    expect(r.bundled!.err).toContain('bundled sample');
    expect(read('bundled', 'curated-{}.jsonl')).toBe(read('unbundled', 'curated-{}.jsonl'));
    expect(manifest('bundled', 'curated-{}.jsonl.manifest.json')).toEqual(manifest('unbundled', 'curated-{}.jsonl.manifest.json'));
  });

  it('Parquet out and back in (the lazily evaluated Parquet code) gives the same rows', () => {
    expect(both('pairs', SAMPLE, '-o', 'pairs-{}.parquet', '--quiet').bundled!.code).toBe(0);
    const r = both('convert', 'pairs-{}.parquet', '-o', 'pairs-{}.jsonl', '--format', 'pairs', '--quiet');
    expect(r.bundled!.code).toBe(0);
    expect(r.bundled).toEqual(r.unbundled);
    const rows = read('bundled', 'pairs-{}.jsonl');
    expect(rows.split('\n').length).toBeGreaterThan(100);
    expect(rows).toBe(read('unbundled', 'pairs-{}.jsonl'));
    expect(manifest('bundled', 'pairs-{}.jsonl.manifest.json')).toEqual(manifest('unbundled', 'pairs-{}.jsonl.manifest.json'));
  });
});

// The Dask recipe (examples/dask/curate_dask.py) on a LocalCluster with 2 worker processes: 4 shards of a generated
// untidy 20k-prompt input as 4 tasks, then pairsmith merge; the result must be the single-process run's, byte for
// byte (rows, SFT rows, rejects; the manifest apart from times and paths). Needs Python with Dask `distributed`
// (Debian: python3-distributed, which .ci/run installs); without it the test is skipped and says why.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeUntidyInput } from '../helpers/untidy.js';

const CLI = resolve('dist/cli/pairsmith.js');
const RECIPE = resolve('examples/dask/curate_dask.py');

/** A Python that can import distributed, or undefined. */
function daskPython(): string | undefined {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import distributed'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}

const python = daskPython();
if (!python) console.warn('skipped: the Dask recipe test needs Python with Dask distributed (Debian: apt-get install python3-distributed)');

describe.skipIf(!python)('examples/dask: curate as shards on a Dask LocalCluster, then merge', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pairsmith-dask-'));
    writeUntidyInput(join(dir, 'in.jsonl'), 20_000);
  });

  it('equals the single-process run', () => {
    const opts = ['--fraction', '0.2', '--route', '--hard-fraction', '0.25', '--max-record-bytes', '1000000'];
    // The same input path for both (rejects name the file as given; the recipe gives its tasks absolute paths).
    const input = join(dir, 'in.jsonl');
    execFileSync('node', [CLI, 'curate', input, '-o', 'single.jsonl', '-q', ...opts], { cwd: dir });
    const r = spawnSync(python!, [RECIPE, input, '-o', 'dask.jsonl', '--shards', '4', '--local-workers', '2', '--pairsmith', `node ${CLI}`, '--', ...opts], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/4 shards on 2 workers/);
    const read = (p: string): string => readFileSync(join(dir, p), 'utf8');
    expect(read('dask.jsonl') === read('single.jsonl'), 'the Dask run wrote other rows').toBe(true);
    expect(read('dask.sft.jsonl')).toBe(read('single.sft.jsonl'));
    expect(read('dask.jsonl.rejects.jsonl')).toBe(read('single.jsonl.rejects.jsonl'));
    const manifest = (p: string): Record<string, unknown> => {
      const m = JSON.parse(read(p).split('dask.sft.jsonl').join('single.sft.jsonl').split('dask.jsonl').join('single.jsonl')) as Record<string, unknown>;
      for (const k of ['started_at', 'ended_at', 'merged_from']) delete m[k];
      return m;
    };
    expect(manifest('dask.jsonl.manifest.json')).toEqual(manifest('single.jsonl.manifest.json'));
    expect((manifest('single.jsonl.manifest.json').records as { rejected: number }).rejected).toBeGreaterThan(10);
  }, 300_000);
});

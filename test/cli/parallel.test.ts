// Threads and shards change where records are processed, never what is written: every data command gives the same
// bytes (rows, rejects) and the same manifest (less its times and paths) with --threads 1, 2 and 3, and the N shards
// of a sharded run, concatenated in shard order, are the unsharded output byte for byte with counts that add up.
// The input is generated (20,000 prompts, a few MB, so that it spans many batches) with the untidy records a real
// file has: malformed lines, non-objects, blank and CRLF lines, ties, message-list prompts, a record too large to
// buffer, scores out of range and missing.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { mulberry32 } from '../../src/pipeline/rng.js';
import { writeUntidyInput } from '../helpers/untidy.js';
import { fakeIo } from '../helpers/cli.js';

let dir = '';
let input = '';
let promptOf: number[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pairsmith-parallel-'));
  input = join(dir, 'in.jsonl');
  promptOf = writeUntidyInput(input, 20_000);
});

async function cli(args: string[]): Promise<void> {
  const io = fakeIo({ cwd: dir });
  const code = await run(['--quiet', '--max-record-bytes', '1000000', ...args], io);
  expect(code, io.err()).toBe(0);
}

const read = (p: string): string => readFileSync(join(dir, p), 'utf8');

/** The manifest without what differs between runs of the same work: times, paths and the shard. */
function manifest(p: string): Record<string, unknown> {
  // Output paths name the run (x-t1.jsonl, x-t2.jsonl): they are made the same.
  const text = read(`${p}.manifest.json`).replace(/-t\d\b/g, '-tN');
  const m = JSON.parse(text) as Record<string, unknown>;
  for (const k of ['started_at', 'ended_at', 'shard']) delete m[k];
  return m;
}

const COMMANDS: [string, string[]][] = [
  ['pairs', ['pairs', 'in.jsonl']],
  ['pairs-weights', ['pairs', 'in.jsonl', '--weights', 'rating-gap', '--strategy', 'max-min']],
  ['pairs-min-of-k', ['pairs', 'in.jsonl', '--rejected', 'min-of-k:5', '--seed', '3']],
  ['select', ['select', 'in.jsonl', '--fraction', '0.3']],
  ['curate', ['curate', 'in.jsonl', '--fraction', '0.25', '--route', '--hard-fraction', '0.2', '--sft', 'SFT']],
  // A pairs input (the rows of `pairs` above): no candidate indices, no implicit margins (columns left without memory).
  ['select-on-pairs', ['select', 'pairs-t1.jsonl', '--fraction', '0.3']],
  ['curate-on-pairs', ['curate', 'pairs-t1.jsonl', '--fraction', '0.25', '--route', '--hard-fraction', '0.2', '--sft', 'SFT']],
  ['stats', ['stats', 'in.jsonl', '--per-prompt', 'OUT']],
  ['convert', ['convert', 'in.jsonl', '--to', 'trl-conversational']],
  ['convert-kto', ['convert', 'in.jsonl', '--to', 'kto']],
];

describe('--threads', () => {
  for (const [name, args] of COMMANDS) {
    it(`${name}: the same rows, rejects and manifest with 1, 2 and 3 threads`, async () => {
      const outs: string[] = [];
      for (const t of [1, 2, 3]) {
        const out = `${name}-t${t}.jsonl`;
        const a = args.map((x) => (x === 'OUT' ? out : x === 'SFT' ? `${name}-t${t}.sft.jsonl` : x));
        await cli([...a, ...(a.includes(out) ? [] : ['-o', out]), '--threads', String(t)]);
        outs.push(out);
      }
      const first = read(outs[0]!);
      expect(first.length).toBeGreaterThan(1000);
      for (const o of outs.slice(1)) {
        expect(read(o) === first, `${o} differs from ${outs[0]}`).toBe(true);
        expect(read(`${o}.rejects.jsonl`)).toBe(read(`${outs[0]}.rejects.jsonl`));
        expect(manifest(o)).toEqual(manifest(outs[0]!));
      }
      if (name.startsWith('curate')) for (const t of [2, 3]) expect(read(`${name}-t${t}.sft.jsonl`)).toBe(read(`${name}-t1.sft.jsonl`));
      // The untidy records are there: rejects of several reasons, in input order (the pairs input has none: `pairs`
      // wrote it; its size is checked instead, several batches).
      if (name.endsWith('-on-pairs')) {
        expect(read('pairs-t1.jsonl').length).toBeGreaterThan(4 << 20);
        return;
      }
      const rejects = read(`${outs[0]}.rejects.jsonl`).trim().split('\n').map((l) => JSON.parse(l) as { line: number; reason: string });
      expect(new Set(rejects.map((r) => r.reason))).toEqual(new Set(['malformed_json', 'not_an_object', 'too_large']));
      expect(rejects.map((r) => r.line)).toEqual([...rejects.map((r) => r.line)].sort((a, b) => a - b));
    }, 120_000);
  }
});

describe('--shard', () => {
  for (const [name, args] of COMMANDS.filter(([n]) => ['pairs', 'pairs-min-of-k', 'stats', 'convert', 'convert-kto'].includes(n))) {
    it(`${name}: shards 1..5, concatenated, are the unsharded output; their counts add up`, async () => {
      const whole = `${name}-whole.jsonl`;
      await cli([...args.map((x) => (x === 'OUT' ? whole : x)), ...(args.includes('OUT') ? [] : ['-o', whole]), '--threads', '1']);
      let rows = '';
      let rejects = '';
      const read0 = { read: 0, written: 0, rejected: 0, no_pair: 0 };
      for (let k = 1; k <= 5; k++) {
        const out = `${name}-s${k}.jsonl`;
        await cli([...args.map((x) => (x === 'OUT' ? out : x)), ...(args.includes('OUT') ? [] : ['-o', out]), '--shard', `${k}/5`, '--threads', String(1 + (k % 3))]);
        rows += read(out);
        rejects += read(`${out}.rejects.jsonl`);
        const m = JSON.parse(read(`${out}.manifest.json`)) as { records: typeof read0; shard: { index: number; count: number } };
        expect(m.shard).toMatchObject({ index: k, count: 5 });
        for (const key of Object.keys(read0) as (keyof typeof read0)[]) read0[key] += m.records[key];
      }
      expect(rows === read(whole), 'concatenated shards differ from the whole run').toBe(true);
      expect(rejects).toBe(read(`${whole}.rejects.jsonl`));
      expect(read0).toEqual((JSON.parse(read(`${whole}.manifest.json`)) as { records: typeof read0 }).records);
    }, 120_000);
  }

  it('refuses what cannot be split by bytes: stdin, gzip, a JSON array', async () => {
    writeFileSync(join(dir, 'arr.json'), '[{"prompt": "a", "responses": ["x", "y"], "scores": [1, 2]}]\n');
    const io = fakeIo({ cwd: dir });
    expect(await run(['pairs', 'arr.json', '-o', 'x.jsonl', '--shard', '1/2'], io)).toBe(3);
    expect(io.err()).toMatch(/JSON array cannot be split/);
    const io2 = fakeIo({ cwd: dir, stdin: '{"prompt": "a", "responses": ["x", "y"], "scores": [1, 2]}\n' });
    expect(await run(['pairs', '-', '-o', 'y.jsonl', '--shard', '1/2'], io2)).toBe(3);
    expect(io2.err()).toMatch(/standard input cannot be split/);
    const io3 = fakeIo({ cwd: dir });
    expect(await run(['pairs', 'in.jsonl', '--shard', '3/2'], io3)).toBe(2);
    expect(io3.err()).toMatch(/--shard takes K\/N/);
  });
});

/** A manifest less its times, paths (the run's own file names) and the merge's list of partials. */
function mergedManifest(p: string, names: Record<string, string>): Record<string, unknown> {
  let text = read(`${p}.manifest.json`);
  for (const [from, to] of Object.entries(names)) text = text.split(from).join(to);
  const m = JSON.parse(text) as Record<string, unknown>;
  for (const k of ['started_at', 'ended_at', 'merged_from']) delete m[k];
  return m;
}

const MERGED: [string, string[]][] = [
  ['select', ['select', 'in.jsonl', '--fraction', '0.3']],
  ['select-all', ['select', 'in.jsonl', '--top', '5000', '--all', '--by', 'external']],
  ['select-fidelity', ['select', 'in.jsonl', '--fraction', '0.3', '--strategy', 'grid', '--grid-arms', 'independent', '--calibration', 'official', '--scale-external', '2']],
  ['curate', ['curate', 'in.jsonl', '--fraction', '0.25', '--route', '--hard-fraction', '0.2']],
  ['curate-augment', ['curate', 'in.jsonl', '--fraction', '0.2', '--augment', '--weights', 'rating-gap', '--all']],
];

describe('--shard + merge (select, curate)', () => {
  for (const [name, args] of MERGED) {
    it(`${name}: shards 1..5 merged are the unsharded run, byte for byte`, async () => {
      const whole = `m-${name}.jsonl`;
      await cli([...args, '-o', whole]);
      const parts: string[] = [];
      for (let k = 1; k <= 5; k++) {
        const part = `m-${name}-part${k}.jsonl`;
        await cli([...args, '-o', part, '--shard', `${k}/5`, '--threads', String(1 + (k % 2))]);
        parts.push(part);
      }
      const merged = `m-${name}-merged.jsonl`;
      // Given in any order: each partial knows its shard.
      await cli(['merge', ...[...parts].reverse(), '-o', merged]);
      expect(read(merged) === read(whole), 'merged rows differ from the unsharded run').toBe(true);
      expect(read(`${merged}.rejects.jsonl`)).toBe(read(`${whole}.rejects.jsonl`));
      const names = { [merged]: whole, [`m-${name}-merged.sft.jsonl`]: `m-${name}.sft.jsonl` };
      expect(mergedManifest(merged, names)).toEqual(mergedManifest(whole, {}));
      if (name === 'curate') expect(read(`m-${name}-merged.sft.jsonl`)).toBe(read(`m-${name}.sft.jsonl`));
    }, 180_000);
  }

  it('refuses partials that do not make one run: a shard missing, a shard twice, other options', async () => {
    const base = ['select', 'in.jsonl', '--fraction', '0.3'];
    for (let k = 1; k <= 3; k++) await cli([...base, '-o', `x${k}.jsonl`, '--shard', `${k}/3`]);
    await cli([...base.slice(0, 2), '--fraction', '0.4', '-o', 'y2.jsonl', '--shard', '2/3']);
    const cases: [string[], RegExp][] = [
      [['x1.jsonl', 'x2.jsonl'], /shard 3\/3 missing/],
      [['x1.jsonl', 'x2.jsonl', 'x2.jsonl', 'x3.jsonl'], /both shard 2\/3/],
      [['x1.jsonl', 'y2.jsonl', 'x3.jsonl'], /other options/],
      [['in.jsonl'], /missing|not a partial/],
    ];
    for (const [partials, msg] of cases) {
      const io = fakeIo({ cwd: dir });
      const code = await run(['merge', ...partials, '-o', 'z.jsonl'], io);
      expect(code).not.toBe(0);
      expect(io.err()).toMatch(msg);
    }
    // A partial needs a JSON Lines file output.
    const io = fakeIo({ cwd: dir });
    expect(await run([...base, '-o', 'p.parquet', '--shard', '1/3'], io)).toBe(2);
    expect(io.err()).toMatch(/give -o a \.jsonl file/);
  }, 120_000);
});

describe('--shard on Parquet (contiguous row groups)', () => {
  it('pairs shards concatenate to the whole run; select shards merge to it (empty shards too)', async () => {
    await cli(['convert', 'in.jsonl', '--to', 'candidates', '-o', 'in.parquet']);
    await cli(['pairs', 'in.parquet', '-o', 'pq-whole.jsonl']);
    await cli(['select', 'in.parquet', '-o', 'pq-sel-whole.jsonl', '--fraction', '0.3']);
    let rows = '';
    const parts: string[] = [];
    // More shards than row groups: some shards hold none.
    const n = 7;
    for (let k = 1; k <= n; k++) {
      await cli(['pairs', 'in.parquet', '-o', `pq-${k}.jsonl`, '--shard', `${k}/${n}`]);
      rows += read(`pq-${k}.jsonl`);
      await cli(['select', 'in.parquet', '-o', `pq-sel-${k}.jsonl`, '--fraction', '0.3', '--shard', `${k}/${n}`]);
      parts.push(`pq-sel-${k}.jsonl`);
      const m = JSON.parse(read(`pq-${k}.jsonl.manifest.json`)) as { shard: Record<string, number> };
      expect(Object.keys(m.shard).sort()).toEqual(['count', 'end_row_group', 'index', 'start_row_group']);
    }
    expect(rows === read('pq-whole.jsonl'), 'Parquet shards concatenated differ from the whole run').toBe(true);
    await cli(['merge', ...parts, '-o', 'pq-sel-merged.jsonl']);
    expect(read('pq-sel-merged.jsonl') === read('pq-sel-whole.jsonl'), 'merged Parquet shards differ from the whole run').toBe(true);
  }, 180_000);
});

describe('a record too large to buffer in the middle of a batch', () => {
  it('curate reads back the kept records by their true offsets (every kept row is its own prompt)', async () => {
    await cli(['curate', 'in.jsonl', '-o', 'gap.jsonl', '--fraction', '0.5', '--threads', '1']);
    const rows = read('gap.jsonl').trim().split('\n').map((l) => JSON.parse(l) as { prompt: unknown; prompt_index: number });
    const m = JSON.parse(read('gap.jsonl.manifest.json')) as { report: { selection: { kept: number } }; rows_written: number };
    expect(rows.length).toBe(m.rows_written);
    expect(rows.length).toBe(m.report.selection.kept);
    expect(rows.some((r) => r.prompt_index > 9000)).toBe(true);
    for (const r of rows) {
      const text = typeof r.prompt === 'string' ? r.prompt : (r.prompt as { content: string }[])[0]!.content;
      expect(text).toBe(`question ${promptOf[r.prompt_index]}`);
    }
  }, 60_000);
});

describe('loss --shard (per-row losses)', () => {
  /** Log-prob rows with the untidy lines a real file has: malformed, a string log-prob, a missing field, no scores. */
  function writeLossInput(path: string, n: number): void {
    const rand = mulberry32(7);
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      if (i % 97 === 13) lines.push('{"policy_chosen_logps": -1.5,');
      else if (i % 89 === 5) lines.push('{"policy_chosen_logps":"-1","policy_rejected_logps":-2,"reference_chosen_logps":-1,"reference_rejected_logps":-2}');
      else if (i % 83 === 7) lines.push('{"policy_chosen_logps":-1,"reference_chosen_logps":-1,"reference_rejected_logps":-2}');
      else {
        const lp = () => -(1 + 60 * rand());
        const scores = i % 5 === 0 ? '' : `,"score_chosen":${(rand() * 9).toFixed(3)},"score_rejected":${(rand() * 9).toFixed(3)}`;
        lines.push(`{"policy_chosen_logps":${lp()},"policy_rejected_logps":${lp()},"reference_chosen_logps":${lp()},"reference_rejected_logps":${lp()}${scores}}`);
      }
    }
    writeFileSync(path, `${lines.join('\n')}\n`);
  }

  it('shards 1..4, concatenated, are the unsharded rows and rejects; their counts add up', async () => {
    writeLossInput(join(dir, 'logps.jsonl'), 6000);
    const args = ['loss', 'logps.jsonl', '--loss', 'sigmoid,ipo,odpo,bco_pair', '--trl', 'v1', '--chunk-size', '100'];
    await cli([...args, '-o', 'loss-whole.jsonl']);
    let rows = '';
    let rejects = '';
    const sum = { read: 0, written: 0, rejected: 0 };
    for (let k = 1; k <= 4; k++) {
      await cli([...args, '-o', `loss-s${k}.jsonl`, '--shard', `${k}/4`]);
      rows += read(`loss-s${k}.jsonl`);
      rejects += read(`loss-s${k}.jsonl.rejects.jsonl`);
      const m = JSON.parse(read(`loss-s${k}.jsonl.manifest.json`)) as { records: typeof sum; shard: { index: number } };
      expect(m.shard).toMatchObject({ index: k, count: 4 });
      for (const key of Object.keys(sum) as (keyof typeof sum)[]) sum[key] += m.records[key];
    }
    const whole = read('loss-whole.jsonl');
    expect(whole.split('\n').length).toBeGreaterThan(5000);
    expect(rows === whole, 'concatenated loss shards differ from the whole run').toBe(true);
    expect(rejects).toBe(read('loss-whole.jsonl.rejects.jsonl'));
    const m = JSON.parse(read('loss-whole.jsonl.manifest.json')) as { records: typeof sum };
    expect(sum).toEqual({ read: m.records.read, written: m.records.written, rejected: m.records.rejected });
    expect(m.records.rejected).toBeGreaterThan(100);
  }, 120_000);

  it('refuses losses that couple the rows of a batch (exit 2, naming them)', async () => {
    const io = fakeIo({ cwd: dir });
    expect(await run(['loss', 'logps.jsonl', '--loss', 'sigmoid,aot,sft', '-o', 'no.jsonl', '--shard', '1/2'], io)).toBe(2);
    expect(io.err()).toMatch(/--shard: aot, sft couple the rows of a batch/);
    const io2 = fakeIo({ cwd: dir });
    expect(await run(['loss', 'logps.jsonl', '--loss', 'bco_pair', '-o', 'no.jsonl', '--shard', '1/2'], io2)).toBe(2);
    expect(io2.err()).toMatch(/bco_pair couples/);
  });
});

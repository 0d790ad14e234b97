// Every data command through the real CLI (run(argv, fakeIo)) on generated hostile inputs given as .jsonl,
// .jsonl.gz, .json arrays or stdin (`-`), written to files or `-o -`: every output line parses, the rows equal the
// oracle's, and the manifest counts and the rejects file agree with it. Fewer runs than the library properties
// (each run is a process-like CLI run with files). FC_SEED=<n> replays a run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { formatPosition, type Position } from '../../src/kernels/positions.js';
import { run } from '../../src/cli/main.js';
import { expectAugment, expectConvert, expectPairs, expectRoute, expectSelect, expectStats, type Expected, type Tally, type Target } from '../oracle/commands.js';
import { readInput } from '../oracle/records.js';
import { parseRecord, reencoded } from '../oracle/json.js';
import { cleanChecker, lossChecker, readRows } from '../oracle/rows.js';
import { candidateRecord, cleanRecord, inputOf, lossRecord, pairRecord, type InputSpec } from './gen.js';
import { dumping, norm, SEED } from './harness.js';
import { pairOptions } from './options.js';
import { fakeIo } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Kind = 'jsonl' | 'gz' | 'json' | 'stdin';
const kinds = fc.constantFrom<Kind>('jsonl', 'gz', 'json', 'stdin');

/** The input as the CLI gets it: a path in a fresh directory, or stdin. JSON Lines starting with '[' keep .jsonl (no sniffing). */
function place(spec: InputSpec, kind: Kind): { dir: string; arg: string; stdin?: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'pairsmith-oracle-'));
  dirs.push(dir);
  const text = new TextDecoder().decode(spec.bytes).replace(/^\uFEFF/, '');
  const sniffed = spec.framing === 'array' || !/^\s*\[/.test(text);
  const k: Kind = spec.framing === 'array' ? (kind === 'stdin' ? 'stdin' : 'json') : !sniffed && (kind === 'json' || kind === 'stdin') ? 'jsonl' : kind;
  if (k === 'stdin') return { dir, arg: '-', stdin: Buffer.from(spec.bytes) };
  const name = { jsonl: 'in.jsonl', gz: 'in.jsonl.gz', json: 'in.json' }[k];
  writeFileSync(join(dir, name), k === 'gz' ? gzipSync(spec.bytes) : spec.bytes);
  return { dir, arg: name };
}

async function cli(argv: string[], at: { dir: string; stdin?: Buffer }): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIo({ cwd: at.dir, stdin: at.stdin });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

function lines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}

const readRowsFile = (dir: string, name: string): unknown[] => {
  const b = readFileSync(join(dir, name));
  return lines((name.endsWith('.gz') ? gunzipSync(b) : b).toString('utf8'));
};

function manifestTally(m: Record<string, any>): Tally {
  return {
    read: m.records.read,
    written: m.records.written,
    rejected: m.rejected_by_reason,
    noPair: m.no_pair_by_reason,
    candidates: m.candidates.read,
    excluded: m.excluded_by_reason,
    rows: m.rows_written,
    pairs: m.pairs_written,
  };
}

/** The manifest and rejects beside `out` agree with the oracle; the counts add up. */
function expectSidecars(dir: string, out: string, input: string, want: { tally: Tally; rejects: Expected['rejects'] }): void {
  const m = JSON.parse(readFileSync(join(dir, `${out}.manifest.json`), 'utf8'));
  expect(manifestTally(m)).toEqual(want.tally);
  expect(m.records.read).toBe(m.records.written + m.records.no_pair + m.records.rejected);
  expect(m.candidates.read).toBe(m.candidates.used + m.candidates.excluded);
  const rej = readRowsFile(dir, `${out}.rejects.jsonl`) as Record<string, unknown>[];
  for (const r of rej) expect(r.file).toBe(input);
  expect(norm(rej.map(({ line, field, reason, record }) => ({ line, field, reason, record })))).toEqual(norm(want.rejects.map(({ line, field, reason, record }) => ({ line, field, reason, record }))));
}

const limit = (spec: InputSpec): string[] => (spec.maxRecordBytes ? ['--max-record-bytes', String(spec.maxRecordBytes)] : []);

/** Rows of the main output: a file, or stdout with `-o -`. */
function outputRows(res: { out: string }, dir: string, out: string): unknown[] {
  return out === '-' ? lines(res.out) : readRowsFile(dir, out);
}

function expectRows(got: unknown[], want: Expected): void {
  let rows = want.rows;
  if (want.rowsWithoutImplicit && got.length > 0 && !('implicit_margin' in (got[0] as object))) rows = want.rowsWithoutImplicit;
  expect(norm(got)).toEqual(norm(rows));
}

const outs = fc.constantFrom('out.jsonl', 'out.jsonl', 'out.jsonl.gz', '-');
const candidates = inputOf(candidateRecord({ responses: 'responses', scores: 'scores' }, false), { array: true });
const pairsInput = inputOf(pairRecord(false), { array: true });
const either = fc.oneof(candidates, pairsInput);
const RUNS = { seed: SEED, numRuns: 12 };

describe('the CLI on hostile input agrees with the oracle', () => {
  it('pairs', async () => {
    await fc.assert(
      fc.asyncProperty(candidates, kinds, outs, pairOptions, async (spec, kind, out, o) => {
        const rank = (p: Position | undefined, d: number): number => (p === undefined ? d : p.kind === 'max' ? Infinity : p.kind === 'min' ? -Infinity : p.k);
        fc.pre(o.strategy !== 'positions' || rank(o.chosen, Infinity) > rank(o.rejected, -2));
        const at = place(spec, kind);
        const argv = [...limit(spec), 'pairs', at.arg, '-o', out, '--strategy', o.strategy, '--std', o.std ?? 'population', '--min-gap', String(o.minGap ?? 0), '--fallback', o.fallback ?? 'none', '--seed', String(o.seed ?? 0), '--transform', o.transform ?? 'none', '--beta', String(o.beta ?? 1), '--reduce', o.reduce ?? 'sum'];
        if (o.keepTies) argv.push('--keep-ties');
        if (o.chosen && o.strategy === 'positions') argv.push('--chosen', formatPosition(o.chosen));
        if (o.rejected && (o.strategy === 'positions' || o.strategy === 'sweet-spot')) argv.push('--rejected', formatPosition(o.rejected));
        const want = expectPairs(spec.bytes, { framing: spec.framing, format: 'auto', maxRecordBytes: spec.maxRecordBytes }, {
          ...o,
          chosen: o.strategy === 'positions' ? o.chosen : undefined,
          rejected: o.strategy === 'positions' || o.strategy === 'sweet-spot' ? o.rejected : undefined,
        });
        await dumping(spec, async () => {
          const res = await cli(argv, at);
          if (want.error) return expect(res.code).toBe(2);
          expect(res.code, res.err).toBe(0);
          expectRows(outputRows(res, at.dir, out), want);
          if (out !== '-') expectSidecars(at.dir, out, at.arg, want);
        });
      }),
      RUNS,
    );
  });

  it('select and curate (with --route and --augment)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), either, kinds, fc.constantFrom('out.jsonl', 'out.jsonl.gz'), fc.boolean(), async (curate, spec, kind, out, route) => {
        const at = place(spec, kind);
        const steps = curate ? { ...(route ? { route: { hardFraction: 0.5 } } : {}), augment: { placement: 'auto' as const } } : undefined;
        const want = expectSelect(spec.bytes, { framing: spec.framing, format: 'auto', maxRecordBytes: spec.maxRecordBytes }, { strategy: 'sweet-spot', by: 'auto', select: { fraction: curate ? 1 : 0.5 }, weights: true, curate: steps });
        const argv = [...limit(spec), curate ? 'curate' : 'select', at.arg, '-o', out, '--weights', 'rating-gap'];
        if (!curate) argv.push('--fraction', '0.5');
        else argv.push('--augment', ...(route ? ['--route', '--hard-fraction', '0.5', '--sft', 'sft.jsonl'] : []));
        await dumping(spec, async () => {
          const res = await cli(argv, at);
          if (want.error) return expect(res.code).toBe(2);
          expect(res.code, res.err).toBe(0);
          expectRows(outputRows(res, at.dir, out), want);
          if (curate && route) expect(norm(readRowsFile(at.dir, 'sft.jsonl'))).toEqual(norm(want.sft));
          expectSidecars(at.dir, out, at.arg, want);
        });
      }),
      RUNS,
    );
  });

  it('stats --per-prompt', async () => {
    await fc.assert(
      fc.asyncProperty(candidates, kinds, async (spec, kind) => {
        const at = place(spec, kind);
        const want = expectStats(spec.bytes, { framing: spec.framing, format: 'auto', maxRecordBytes: spec.maxRecordBytes }, { transform: 'none', std: 'population' }, true);
        await dumping(spec, async () => {
          const res = await cli([...limit(spec), 'stats', at.arg, '--per-prompt', 'pp.jsonl', '--json'], at);
          if (want.error) return expect(res.code).toBe(2);
          expect(res.code, res.err).toBe(0);
          const got = readRowsFile(at.dir, 'pp.jsonl') as Record<string, number | null>[];
          expect(norm(got.map((r) => [r.prompt_index, r.count, r.min, r.max, r.argmin, r.argmax]))).toEqual(norm(want.rows.map((r) => [r.prompt_index, r.count, r.min, r.max, r.argmin, r.argmax])));
          expectSidecars(at.dir, 'pp.jsonl', at.arg, want);
        });
      }),
      RUNS,
    );
  });

  it('convert', async () => {
    await fc.assert(
      fc.asyncProperty(either, kinds, outs, fc.constantFrom<Target>('trl', 'trl-conversational', 'kto', 'candidates', 'onpolicy', 'hh-rlhf'), async (spec, kind, out, to) => {
        const at = place(spec, kind);
        const want = expectConvert(spec.bytes, { framing: spec.framing, format: 'auto', maxRecordBytes: spec.maxRecordBytes }, to);
        await dumping(spec, async () => {
          const res = await cli([...limit(spec), 'convert', at.arg, '-o', out, '--to', to], at);
          if (want.error) return expect(res.code).toBe(2);
          expect(res.code, res.err).toBe(0);
          expectRows(outputRows(res, at.dir, out), want);
          if (out !== '-') expectSidecars(at.dir, out, at.arg, want);
        });
      }),
      RUNS,
    );
  });

  it('augment and route', async () => {
    await fc.assert(
      fc.asyncProperty(pairsInput, kinds, outs, fc.boolean(), async (spec, kind, out, augment) => {
        const at = place(spec, kind);
        const read = { framing: spec.framing, format: 'auto' as const, maxRecordBytes: spec.maxRecordBytes };
        const want = augment ? expectAugment(spec.bytes, read, {}) : expectRoute(spec.bytes, read, { threshold: 0.5 });
        const dpo = out === '-' ? 'dpo.jsonl' : out;
        const argv = augment ? [...limit(spec), 'augment', at.arg, '-o', out, '--reward-conditioned'] : [...limit(spec), 'route', at.arg, '--dpo', dpo, '--sft', 'sft.jsonl', '--threshold', '0.5'];
        await dumping(spec, async () => {
          const res = await cli(argv, at);
          if (want.error) return expect(res.code).toBe(2);
          expect(res.code, res.err).toBe(0);
          const main = augment ? out : dpo;
          expectRows(outputRows(res, at.dir, main), want);
          if (!augment) expect(norm(readRowsFile(at.dir, 'sft.jsonl'))).toEqual(norm(want.sft));
          if (main !== '-') expectSidecars(at.dir, main, at.arg, want);
        });
      }),
      RUNS,
    );
  });

  it('report: the manifest counts and the prompts analysed and pairs', async () => {
    await fc.assert(
      fc.asyncProperty(either, kinds, async (spec, kind) => {
        const at = place(spec, kind);
        const r = readInput(spec.bytes, { framing: spec.framing, format: 'auto', maxRecordBytes: spec.maxRecordBytes });
        await dumping(spec, async () => {
          const res = await cli([...limit(spec), 'report', at.arg, '-o', 'report.html'], at);
          if (r.detectError) return expect(res.code).toBe(2);
          const usable = (s: (number | null)[]) => {
            const f = s.filter((x): x is number => x !== null);
            return f.length >= 2 && Math.max(...f) > Math.min(...f);
          };
          const recs = r.records;
          const written = recs.filter((x) => x.kind === 'pair' || usable(x.scores)).length;
          const noPair = recs.length - written;
          if (recs.length === 0) return expect(res.code).toBe(3);
          expect(res.code, res.err).toBe(0);
          const rejected = r.rejects.length;
          const summary = new RegExp(`^report: ${r.counts.read} records read, ${written} written \\(0 rows\\)${noPair ? `, ${noPair} without a pair \\([^)]*\\)` : ''}, ${rejected} rejected`, 'm');
          expect(res.err).toMatch(summary);
          for (const [reason, n] of Object.entries(r.counts.rejected)) expect(res.err).toContain(`${reason} ${n}`);
          const pools = recs.filter((x) => x.kind === 'candidates');
          const pairRows = recs.filter((x) => x.kind === 'pair' && typeof x.scoreChosen === 'number' && typeof x.scoreRejected === 'number').length;
          if (pools.length) expect(res.err).toMatch(new RegExp(`report: ${written} of ${pools.length} prompts analysed, ${written} pairs`));
          else expect(res.err).toMatch(new RegExp(`report: ${pairRows} pairs ->`));
          const html = readFileSync(join(at.dir, 'report.html'), 'utf8');
          if (pools.length) expect(html).toContain(`prompts analysed (of ${pools.length})`);
        });
      }),
      RUNS,
    );
  });

  it('loss and clean: record accounting and per-row output keys', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean().chain((loss) => fc.tuple(fc.constant(loss), inputOf(loss ? lossRecord : cleanRecord, { array: true }))), kinds, fc.constantFrom('out.jsonl', '-'), async ([loss, spec], kind, out) => {
        const at = place(spec, kind);
        const want = readRows(spec.bytes, spec.framing, loss ? lossChecker({ odpo: false, beta: 0.1 }) : cleanChecker({ minCandidates: 3 }), spec.maxRecordBytes);
        const argv = loss ? [...limit(spec), 'loss', at.arg, '-o', out, '--loss', 'sigmoid'] : [...limit(spec), 'clean', at.arg, '-o', out, '--min-candidates', '3'];
        await dumping(spec, async () => {
          const res = await cli(argv, at);
          expect(res.code, res.err).toBe(0);
          const rows = (out === '-' ? lines(res.out) : readRowsFile(at.dir, out)) as Record<string, unknown>[];
          expect(rows.length).toBe(want.accepted.length);
          if (loss) {
            for (const r of rows) expect(Object.keys(r)).toEqual(['index', 'loss', 'chosen_reward', 'rejected_reward', 'margin', 'grad']);
            expect(rows.map((r) => r.index)).toEqual(want.accepted);
          } else {
            const framed = readInput(spec.bytes, { framing: spec.framing, format: 'candidates', maxRecordBytes: spec.maxRecordBytes }).framed;
            rows.forEach((r, i) => {
              const f = framed.find((x) => x.index === want.accepted[i])!;
              const p = parseRecord(f.bytes!);
              const raw = reencoded(p.status === 'object' ? p.value : null) as Record<string, unknown>;
              const added = ['clean_scores', 'corrupted', 'ranking', 'rpca_skipped'];
              expect(new Set(Object.keys(r))).toEqual(new Set([...Object.keys(raw), ...added]));
              for (const k of Object.keys(raw)) if (!added.includes(k)) expect(norm(r[k])).toEqual(norm(raw[k]));
            });
          }
          if (out !== '-') {
            const t: Tally = { read: want.counts.read, written: want.accepted.length, rejected: want.counts.rejected, noPair: {}, candidates: want.counts.candidates, excluded: want.counts.excluded, rows: want.accepted.length, pairs: 0 };
            expectSidecars(at.dir, out, at.arg, { tally: t, rejects: want.rejects });
          }
        });
      }),
      { seed: SEED, numRuns: 16 },
    );
  });
});

// CLI end to end: pairs, select, augment, route on the bundled sample (JSON Lines, .json, gzip, Parquet).
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { fakeIo } from '../helpers/cli.js';

const SAMPLE = resolve('examples/sample.candidates.jsonl');
type Row = Record<string, unknown>;

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'pairsmith-pairs-'));
}

function jsonl(path: string): Row[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row);
}

async function cli(dir: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIo({ cwd: dir });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

function manifest(dir: string, out: string): Record<string, any> {
  return JSON.parse(readFileSync(join(dir, `${out}.manifest.json`), 'utf8'));
}

describe('pairsmith pairs', () => {
  it('rows, manifest counts that add up, rejects naming line and field', async () => {
    const dir = tmp();
    const r = await cli(dir, 'pairs', SAMPLE, '-o', 'p.jsonl');
    expect(r.code, r.err).toBe(0);
    const rows = jsonl(join(dir, 'p.jsonl'));
    const m = manifest(dir, 'p.jsonl');
    expect(m.records.read).toBe(200);
    expect(m.records.written + m.records.no_pair + m.records.rejected).toBe(200);
    expect(rows.length).toBe(m.pairs_written);
    expect(m.no_pair_by_reason).toEqual({ no_spread: 1 });
    expect(m.excluded_by_reason).toEqual({ score_null: 1, score_nan: 1, score_infinite: 1 });
    const rejects = jsonl(join(dir, 'p.jsonl.rejects.jsonl'));
    expect(rejects.map((x) => [x.line, x.reason])).toEqual([
      [42, 'malformed_json'],
      [64, 'length_mismatch'],
      [89, 'wrong_type'],
      [106, 'missing_field'],
      [179, 'too_few_scored'],
    ]);
    for (const row of rows) {
      expect(Object.keys(row).slice(0, 10)).toEqual(['prompt', 'chosen', 'rejected', 'score_chosen', 'score_rejected', 'margin', 'prompt_index', 'chosen_index', 'rejected_index', 'strategy']);
      expect(row.score_chosen as number).toBeGreaterThan(row.score_rejected as number);
      expect(row).toHaveProperty('implicit_margin');
    }
  });

  it('a .json input (sniffed: JSON Lines in a .json file) writes the same rows and counts', async () => {
    const dir = tmp();
    copyFileSync(SAMPLE, join(dir, 'sample.json'));
    expect((await cli(dir, 'pairs', SAMPLE, '-o', 'fast.jsonl')).code).toBe(0);
    const r = await cli(dir, 'pairs', 'sample.json', '-o', 'slow.jsonl');
    expect(r.code, r.err).toBe(0);
    expect(jsonl(join(dir, 'slow.jsonl'))).toEqual(jsonl(join(dir, 'fast.jsonl')));
    const a = manifest(dir, 'fast.jsonl');
    const b = manifest(dir, 'slow.jsonl');
    for (const k of ['records', 'rejected_by_reason', 'no_pair_by_reason', 'candidates', 'excluded_by_reason', 'pairs_written']) expect(b[k], k).toEqual(a[k]);
  });

  it('gzip input and output give the same rows', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'in.jsonl.gz'), gzipSync(readFileSync(SAMPLE)));
    expect((await cli(dir, 'pairs', SAMPLE, '-o', 'plain.jsonl')).code).toBe(0);
    const r = await cli(dir, 'pairs', 'in.jsonl.gz', '-o', 'out.jsonl.gz');
    expect(r.code, r.err).toBe(0);
    const back = await cli(dir, 'convert', 'out.jsonl.gz', '-o', 'back.jsonl', '--to', 'trl');
    expect(back.code, back.err).toBe(0);
    const plain = jsonl(join(dir, 'plain.jsonl'));
    expect(jsonl(join(dir, 'back.jsonl'))).toEqual(plain.map((x) => ({ prompt: x.prompt, chosen: x.chosen, rejected: x.rejected, score_chosen: x.score_chosen, score_rejected: x.score_rejected })));
  });

  it('strategies: max-min rejects the minimum; grid tags positions; positions validates its order', async () => {
    const dir = tmp();
    expect((await cli(dir, 'pairs', SAMPLE, '-o', 'mm.jsonl', '--strategy', 'max-min')).code).toBe(0);
    const lines = readFileSync(SAMPLE, 'utf8').split('\n').filter((l) => l.trim() !== '');
    for (const row of jsonl(join(dir, 'mm.jsonl')).slice(0, 40)) {
      const rec = JSON.parse(lines[row.prompt_index as number]!.replace('NaN', 'null'));
      const finite = (rec.scores as (number | null)[]).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
      expect(row.score_rejected).toBe(Math.min(...finite));
      expect(row.score_chosen).toBe(Math.max(...finite));
    }
    expect((await cli(dir, 'pairs', SAMPLE, '-o', 'g.jsonl', '--strategy', 'grid')).code).toBe(0);
    const grid = jsonl(join(dir, 'g.jsonl'));
    expect(new Set(grid.map((r) => `${r.chosen_position}/${r.rejected_position}`)).size).toBeGreaterThan(10);
    const m = manifest(dir, 'g.jsonl');
    expect(m.report.pairs_dropped.same_candidate).toBeGreaterThan(0);
    const bad = await cli(dir, 'pairs', SAMPLE, '-o', 'x.jsonl', '--strategy', 'positions', '--chosen', 'mu-2sigma', '--rejected', 'mu');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/must lie above/);
    expect((await cli(dir, 'pairs', SAMPLE, '-o', 'x.jsonl', '--chosen', 'max')).code).toBe(2);
    const pos = await cli(dir, 'pairs', SAMPLE, '-o', 'x.jsonl', '--rejected', 'median');
    expect(pos.code).toBe(2);
    expect(pos.err).toMatch(/median/);
    expect(existsSync(join(dir, 'x.jsonl'))).toBe(false);
  });

  it('a raw control character in a response rejects the record as JSON.parse would', async () => {
    const dir = tmp();
    const rec = (best: string) => `{"prompt":"p","responses":["${best}","ok","bad","mid"],"scores":[3,2,0,1]}`;
    writeFileSync(join(dir, 'c.jsonl'), `${rec('fine')}\n${rec('tab\there')}\n`);
    const r = await cli(dir, 'pairs', 'c.jsonl', '-o', 'o.jsonl');
    expect(r.code, r.err).toBe(0);
    const m = manifest(dir, 'o.jsonl');
    expect(m.records).toEqual({ read: 2, written: 1, no_pair: 0, rejected: 1 });
    expect(m.candidates.read).toBe(4);
    expect(jsonl(join(dir, 'o.jsonl.rejects.jsonl'))[0]).toMatchObject({ line: 2, reason: 'malformed_json' });
    expect(jsonl(join(dir, 'o.jsonl'))).toHaveLength(1);
  });

  it('conversational candidates keep their form; pair inputs are a usage error', async () => {
    const dir = tmp();
    const conv = { prompt: [{ role: 'user', content: 'q' }], responses: [[{ role: 'assistant', content: 'good' }], [{ role: 'assistant', content: 'bad' }], [{ role: 'assistant', content: 'ok' }]], scores: [2, 0, 1] };
    writeFileSync(join(dir, 'conv.jsonl'), `${JSON.stringify(conv)}\n`);
    const r = await cli(dir, 'pairs', 'conv.jsonl', '-o', 'c.jsonl', '--strategy', 'max-min');
    expect(r.code, r.err).toBe(0);
    expect(jsonl(join(dir, 'c.jsonl'))[0]).toMatchObject({
      prompt: [{ role: 'user', content: 'q' }],
      chosen: [{ role: 'assistant', content: 'good' }],
      rejected: [{ role: 'assistant', content: 'bad' }],
    });
    writeFileSync(join(dir, 'pairs.jsonl'), `${JSON.stringify({ prompt: 'p', chosen: 'a', rejected: 'b' })}\n`);
    const bad = await cli(dir, 'pairs', 'pairs.jsonl', '-o', 'x.jsonl');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/needs candidate sets/);
  });

  it('--on-error fail stops at the first bad record (exit 3) and leaves no output', async () => {
    const dir = tmp();
    const r = await cli(dir, 'pairs', SAMPLE, '-o', 'f.jsonl', '--on-error', 'fail');
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/:42:/);
    expect(existsSync(join(dir, 'f.jsonl'))).toBe(false);
    expect(existsSync(join(dir, 'f.jsonl.manifest.json'))).toBe(false);
  });

  it('--weights rating-gap adds weights with mean 1; parquet output works', async () => {
    const dir = tmp();
    expect((await cli(dir, 'pairs', SAMPLE, '-o', 'w.jsonl', '--weights', 'rating-gap')).code).toBe(0);
    const rows = jsonl(join(dir, 'w.jsonl'));
    const mean = rows.reduce((a, r) => a + (r.weight as number), 0) / rows.length;
    expect(mean).toBeCloseTo(1, 12);
    const r = await cli(dir, 'pairs', SAMPLE, '-o', 'p.parquet');
    expect(r.code, r.err).toBe(0);
    expect(manifest(dir, 'p.parquet').pairs_written).toBe(rows.length);
  });
});

describe('pairsmith select / augment / route', () => {
  it('select keeps exactly floor(f * n) pairs, ranked, with the added fields; --report writes JSON', async () => {
    const dir = tmp();
    await cli(dir, 'pairs', SAMPLE, '-o', 'p.jsonl');
    const n = jsonl(join(dir, 'p.jsonl')).length;
    const r = await cli(dir, 'select', 'p.jsonl', '-o', 's.jsonl', '--fraction', '0.25', '--report', 'rep.json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/selection by bees: kept/);
    const rows = jsonl(join(dir, 's.jsonl'));
    expect(rows.length).toBe(Math.floor(0.25 * n));
    expect(rows.map((x) => x.selected).sort((a, b) => (a as number) - (b as number))).toEqual(rows.map((_, i) => i + 1));
    for (const row of rows) for (const k of ['p_external', 'p_implicit', 'selection_score', 'selected', 'prompt', 'implicit_margin']) expect(row).toHaveProperty(k);
    const rep = JSON.parse(readFileSync(join(dir, 'rep.json'), 'utf8'));
    expect(rep).toMatchObject({ by: 'bees', pairs: n, kept: rows.length });
    const m = manifest(dir, 's.jsonl');
    expect(m.records).toEqual({ read: n, written: rows.length, no_pair: n - rows.length, rejected: 0 });
    const all = await cli(dir, 'select', 'p.jsonl', '-o', 'all.jsonl', '--top', '10', '--by', 'external', '--all');
    expect(all.code).toBe(0);
    const allRows = jsonl(join(dir, 'all.jsonl'));
    expect(allRows.length).toBe(n);
    expect(allRows.filter((x) => x.selected !== null).length).toBe(10);
    expect(manifest(dir, 'all.jsonl')).toMatchObject({ rows_written: n, records: { read: n, written: n, no_pair: 0, rejected: 0 } });
    expect((await cli(dir, 'select', 'p.jsonl', '-o', 'x.jsonl')).code).toBe(2);
    expect((await cli(dir, 'select', 'p.jsonl', '-o', 'x.jsonl', '--fraction', '1.5')).code).toBe(2);
  });

  it('select --transform logit ranks judge probabilities by their logit gap', async () => {
    const dir = tmp();
    // Raw gaps: 0.5, 0.09, 0.0009; logit gaps: 2.20, 2.40, 2.30 (the order flips).
    const rows = [
      [0.75, 0.25],
      [0.99, 0.9],
      [0.9999, 0.999],
    ].map(([c, r], i) => ({ prompt: `p${i}`, chosen: 'a', rejected: 'b', score_chosen: c, score_rejected: r }));
    writeFileSync(join(dir, 'probs.jsonl'), rows.map((o) => JSON.stringify(o)).join('\n'));
    expect((await cli(dir, 'select', 'probs.jsonl', '-o', 'raw.jsonl', '--top', '1', '--by', 'external')).code).toBe(0);
    expect(jsonl(join(dir, 'raw.jsonl')).map((x) => x.prompt)).toEqual(['p0']);
    const r = await cli(dir, 'select', 'probs.jsonl', '-o', 'lg.jsonl', '--top', '1', '--by', 'external', '--transform', 'logit');
    expect(r.code, r.err).toBe(0);
    const kept = jsonl(join(dir, 'lg.jsonl'));
    expect(kept.map((x) => x.prompt)).toEqual(['p1']);
    expect(kept[0]!.selection_score as number).toBeCloseTo(Math.log(0.99 / 0.01) - Math.log(0.9 / 0.1), 9);
  });

  it('augment doubles the untied pairs; route partitions them', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'pairs.jsonl'),
      [
        { prompt: 'a', chosen: 'x', rejected: 'y', score_chosen: 8, score_rejected: 6.5 },
        { prompt: 'b', chosen: 'x', rejected: 'y', score_chosen: 5, score_rejected: 5 },
        { prompt: 'c', chosen: 'x', rejected: 'y', score_chosen: 9, score_rejected: 1 },
        { prompt: 'd', chosen: 'x', rejected: 'y' },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    );
    const a = await cli(dir, 'augment', 'pairs.jsonl', '-o', 'aug.jsonl', '--reward-conditioned');
    expect(a.code, a.err).toBe(0);
    const aug = jsonl(join(dir, 'aug.jsonl'));
    expect(aug.length).toBe(4);
    expect(aug[1]).toMatchObject({ chosen: 'y', rejected: 'x', goal: 6.5, goal_role: 'neg', pair_id: 0 });
    expect(String(aug[1]!.prompt)).toContain('Overall score: 6.5.\n\na');
    expect(manifest(dir, 'aug.jsonl').no_pair_by_reason).toEqual({ tie: 1, missing_scores: 1 });
    expect((await cli(dir, 'augment', 'pairs.jsonl', '-o', 'x.jsonl')).code).toBe(2);

    const r = await cli(dir, 'route', 'pairs.jsonl', '--dpo', 'dpo.jsonl', '--sft', 'sft.jsonl', '--threshold', '2');
    expect(r.code, r.err).toBe(0);
    expect(jsonl(join(dir, 'dpo.jsonl')).map((x) => x.prompt)).toEqual(['c']);
    // SFT rows carry the routing margin (here the score gap); prompt_index is null for pairs without one.
    expect(jsonl(join(dir, 'sft.jsonl'))).toEqual([
      { prompt: 'a', completion: 'x', margin: 1.5, prompt_index: null, pair_id: 0, route: 'sft' },
      { prompt: 'b', completion: 'x', margin: 0, prompt_index: null, pair_id: 1, route: 'sft' },
    ]);
    const m = manifest(dir, 'dpo.jsonl');
    expect(m.records).toEqual({ read: 4, written: 3, no_pair: 0, rejected: 1 });
    expect(jsonl(join(dir, 'dpo.jsonl.rejects.jsonl'))[0]).toMatchObject({ line: 4, field: 'score_chosen', reason: 'missing_field' });
    expect((await cli(dir, 'route', 'pairs.jsonl', '--dpo', 'd.jsonl', '--sft', 's.jsonl')).code).toBe(2);
  });
});

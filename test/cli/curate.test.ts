// `pairsmith curate`: the bundled sample with no input (what npm start runs), the full pipeline with routing,
// augmentation and --config, and the sample's freshness (the generator reproduces the committed file).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { fakeIo } from '../helpers/cli.js';

const SAMPLE = resolve('examples/sample.candidates.jsonl');
type Row = Record<string, unknown>;

function jsonl(path: string): Row[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row);
}

async function cli(dir: string, ...argv: string[]) {
  const io = fakeIo({ cwd: dir });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('pairsmith curate', () => {
  it('with no input: the bundled sample and config, a summary, output under pairsmith-out/', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairsmith-curate-'));
    const r = await cli(dir, 'curate');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/bundled sample/);
    expect(r.err).toMatch(/prompts: +200 read, 5 rejected/);
    expect(r.err).toMatch(/differs from max-min's/);
    expect(r.err).toMatch(/selection: +kept \d+ of \d+ pairs \(50\.0%\) by bees/);
    const out = join(dir, 'pairsmith-out/curated.jsonl');
    const rows = jsonl(out);
    const m = JSON.parse(readFileSync(`${out}.manifest.json`, 'utf8'));
    expect(m.parameters).toMatchObject({ fraction: 0.5, weights: 'rating-gap', sample: true });
    expect(rows.length).toBe(Math.floor(m.report.selection.pairs * 0.5));
    expect(m.records.written + m.records.no_pair + m.records.rejected).toBe(200);
    for (const row of rows) for (const k of ['weight', 'selected', 'selection_score', 'implicit_margin']) expect(row).toHaveProperty(k);
    expect(existsSync(`${out}.rejects.jsonl`)).toBe(true);
  });

  it('route + augment + --config (the command line wins over the config)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairsmith-curate-'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ strategy: 'max-min', fraction: 0.8, by: 'external', 'keep-ties': false }));
    const r = await cli(dir, 'curate', SAMPLE, '-o', 'dpo.jsonl', '--config', 'c.json', '--fraction', '0.6', '--route', '--hard-fraction', '0.2', '--augment');
    expect(r.code, r.err).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'dpo.jsonl.manifest.json'), 'utf8'));
    expect(m.parameters).toMatchObject({ strategy: 'max-min', fraction: 0.6, by: 'external' });
    const kept = m.report.selection.kept;
    expect(kept).toBe(Math.floor(0.6 * m.report.selection.pairs));
    const sft = jsonl(join(dir, 'dpo.sft.jsonl'));
    expect(sft.length).toBe(Math.floor(0.2 * kept));
    const dpo = jsonl(join(dir, 'dpo.jsonl'));
    expect(dpo.length).toBe(2 * (kept - sft.length) - 2 * (m.report.augment.dropped.tie ?? 0));
    expect(new Set(dpo.map((x) => x.goal_role))).toEqual(new Set(['pos', 'neg']));
    for (const row of dpo) expect(row.strategy).toBe('max-min');
    expect(m.records.written + m.records.no_pair + m.records.rejected).toBe(200);
  });

  it('usage errors: --route without a threshold, an unknown config key; no -o with an input writes to stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairsmith-curate-'));
    expect((await cli(dir, 'curate', SAMPLE, '-o', 'x.jsonl', '--route')).code).toBe(2);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ colour: 'red' }));
    const bad = await cli(dir, 'curate', SAMPLE, '-o', 'x.jsonl', '--config', 'bad.json');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown option 'colour'/);
    const out = await cli(dir, 'curate', SAMPLE);
    expect(out.code, out.err).toBe(0);
    expect(out.out.split('\n').filter(Boolean).length).toBeGreaterThan(0);
    expect(out.err).toMatch(/rows to standard output/);
  });

  it('npm start runs curate', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(pkg.scripts.start).toBe('node dist/cli/bin.js curate');
  });

  it('the committed sample is what the seeded generator writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairsmith-sample-'));
    const out = join(dir, 'sample.jsonl');
    execFileSync(process.execPath, ['scripts/make-sample.mjs', out], { stdio: 'pipe' });
    expect(readFileSync(out).equals(readFileSync(SAMPLE))).toBe(true);
  });

  it('--augment --keep-ties keeps goal ties through the augmentation (the augment command\'s rule), by hand', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairsmith-curate-aug-'));
    // A pairs input: 1 a goal tie, 2 goals in order, 3 goals reversed.
    const rows = [
      { prompt: 'p1', chosen: 'a', rejected: 'b', score_chosen: 2, score_rejected: 2 },
      { prompt: 'p2', chosen: 'c', rejected: 'd', score_chosen: 3, score_rejected: 1 },
      { prompt: 'p3', chosen: 'e', rejected: 'f', score_chosen: 1, score_rejected: 2 },
    ];
    writeFileSync(join(dir, 'in.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const curate = async (...flags: string[]) => {
      const r = await cli(dir, 'curate', 'in.jsonl', '-o', 'out.jsonl', '--fraction', '1', '--augment', ...flags);
      expect(r.code, r.err).toBe(0);
      const out = jsonl(join(dir, 'out.jsonl'));
      const manifest = JSON.parse(readFileSync(join(dir, 'out.jsonl.manifest.json'), 'utf8'));
      return { roles: out.map((x) => `${String(x.chosen)}${String(x.rejected)}:${String(x.goal_role)}`).sort(), manifest };
    };
    // Default: the tie and the reversed goals are dropped; pair 2 gives two rows (neg swaps the responses).
    const plain = await curate();
    expect(plain.roles).toEqual(['cd:pos', 'dc:neg']);
    expect(plain.manifest.report.augment).toEqual({ rows: 2, dropped: { tie: 1, reversed: 1 } });
    const ties = await curate('--keep-ties');
    expect(ties.roles).toEqual(['ab:pos', 'ba:neg', 'cd:pos', 'dc:neg']);
    expect(ties.manifest.parameters.augment).toMatchObject({ keep_ties: true });
    expect(ties.manifest.report.augment).toEqual({ rows: 4, dropped: { reversed: 1 } });
  });
});

// Sweet Spot fidelity (issue #15): --rejected min-of-k:K (the "scalable" reading: the lowest of K random samples)
// and --grid-arms independent (each of the 21 arms keeps its own pairs). Expected values are hand-computed or
// published order statistics of the normal distribution.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constructPairs, lowestOfK } from '../../src/pipeline/construct.js';
import { mulberry32, streamRng } from '../../src/pipeline/rng.js';
import { groupEngineFor } from '../helpers/group-engine.js';
import { cliIn } from './cli.js';

const engine = groupEngineFor('js');

function groups(...gs: number[][]): { values: Float64Array; offsets: Int32Array } {
  const offsets = new Int32Array(gs.length + 1);
  gs.forEach((g, i) => (offsets[i + 1] = offsets[i]! + g.length));
  return { values: Float64Array.from(gs.flat()), offsets };
}

/** Standard normal draws (Box-Muller over mulberry32). */
function normals(seed: number, n: number): number[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => {
    let u = 0;
    while (u === 0) u = r();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
  });
}

describe('--rejected min-of-k:K', () => {
  it('K >= N takes the minimum (ties: the lower index); chosen stays max', () => {
    const { values, offsets } = groups([5, 1, 3, 9, 2, 7], [4, 0, 0, 8]);
    for (const k of [4, 6, 50]) {
      const r = constructPairs(engine, values, offsets, { strategy: 'sweet-spot', rejectedMinOfK: k });
      expect(Array.from(r.pairs.chosen)).toEqual([3, 3]);
      expect(k >= 6 ? Array.from(r.pairs.rejected) : Array.from(r.pairs.rejected).slice(1)).toEqual(k >= 6 ? [1, 1] : [1]);
      expect(r.pairs.rejectedPosition).toEqual([`min-of-k:${k}`, `min-of-k:${k}`]);
    }
  });

  it('lowestOfK: the lowest of the K distinct indices a partial Fisher-Yates draws', () => {
    const values = Float64Array.from([0.3, -1, 2, 0.5, -0.2, 4, 1.5, -3]);
    for (let seed = 0; seed < 50; seed++) {
      // The same draw by hand: K = 3 steps of swap-with-a-random-later-slot.
      const next = streamRng(seed, 11);
      const idx = [0, 1, 2, 3, 4, 5, 6, 7];
      for (let j = 0; j < 3; j++) {
        const t = j + Math.min(8 - j - 1, Math.floor(next() * (8 - j)));
        [idx[j], idx[t]] = [idx[t]!, idx[j]!];
      }
      const drawn = idx.slice(0, 3);
      const want = drawn.reduce((b, i) => (values[i]! < values[b]! ? i : b));
      expect(lowestOfK(values, 0, 8, 3, streamRng(seed, 11))).toBe(want);
      expect(new Set(drawn).size).toBe(3);
    }
  });

  it('seeded by --seed and the record number: the same per record whatever the chunking; another seed differs', () => {
    const gs = Array.from({ length: 40 }, (_, g) => normals(100 + g, 30));
    const { values, offsets } = groups(...gs);
    const streams = Int32Array.from({ length: 40 }, (_, g) => 1000 + g);
    const all = constructPairs(engine, values, offsets, { strategy: 'sweet-spot', rejectedMinOfK: 5, seed: 9 }, streams);
    // Records 20..39 alone, with their record numbers: the same picks.
    const tail = groups(...gs.slice(20));
    const part = constructPairs(engine, tail.values, tail.offsets, { strategy: 'sweet-spot', rejectedMinOfK: 5, seed: 9 }, streams.slice(20));
    expect(Array.from(part.pairs.rejected)).toEqual(Array.from(all.pairs.rejected).slice(20));
    const other = constructPairs(engine, values, offsets, { strategy: 'sweet-spot', rejectedMinOfK: 5, seed: 10 }, streams);
    expect(Array.from(other.pairs.rejected)).not.toEqual(Array.from(all.pairs.rejected));
  });

  it('at N = 200 normal rewards the rejected z is near E[min of K] (published: -1.16296 for K = 5, -1.96531 for K = 25), not -2 (mu-2sigma)', () => {
    const P = 1500;
    const gs = Array.from({ length: P }, (_, g) => normals(7 + g, 200));
    const { values, offsets } = groups(...gs);
    const meanZ = (o: Parameters<typeof constructPairs>[3]) => {
      const r = constructPairs(engine, values, offsets, o);
      return r.report.rejectedZ.reduce((a, b) => a + b, 0) / r.pairs.n;
    };
    // Standard error of the mean of P minima: about 0.67 / sqrt(1500) = 0.017 (K = 5); tolerance 0.06.
    expect(Math.abs(meanZ({ strategy: 'sweet-spot', rejectedMinOfK: 5, seed: 1 }) - -1.16296)).toBeLessThan(0.06);
    expect(Math.abs(meanZ({ strategy: 'sweet-spot', rejectedMinOfK: 25, seed: 1 }) - -1.96531)).toBeLessThan(0.06);
    expect(Math.abs(meanZ({ strategy: 'sweet-spot' }) - -2)).toBeLessThan(0.06);
  });
});

describe('--grid-arms independent', () => {
  // T1 of spec selection.md 1.6 (N = 20): mu = -0.025, sigma = 1.5827; picks: min = 0 (-6.0), mu-2s = mu-s = 1
  // (-1.8), mu = 6 (0.0), mu+s = mu+2s = max = 19 (1.6).
  const t1 = [-6.0, -1.8, -1.0, -0.6, -0.4, -0.2, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.3, 1.6];
  const { values, offsets } = groups(t1);
  const arms = (r: ReturnType<typeof constructPairs>) => r.pairs.chosenPosition.map((c, i) => `${c}/${r.pairs.rejectedPosition[i]}:${r.pairs.chosen[i]}-${r.pairs.rejected[i]}`);

  it('dedupe (default) drops repeats; independent keeps each arm whole, duplicates included', () => {
    const d = constructPairs(engine, values, offsets, { strategy: 'grid' });
    const ind = constructPairs(engine, values, offsets, { strategy: 'grid', gridArms: 'independent' });
    // 21 arms; same-candidate collisions: (mu-s, mu-2s), (mu+2s, mu+s), (max, mu+2s), (max, mu+s) -> 17 valid arms.
    expect(ind.pairs.n).toBe(17);
    expect(ind.report.pairsDropped).toEqual({ same_candidate: 4 });
    // Distinct (chosen, rejected) among them: chosen in {19, 6, 1 (mu-s)} ... by hand: 19 over {6, 1, 0}: 3;
    // 6 over {1, 0}: 2; 1 over {0}: 1 (from mu-s and mu-2s, twice) -> 6 distinct; dedupe keeps those 6.
    expect(d.pairs.n).toBe(6);
    expect(d.report.pairsDropped).toEqual({ same_candidate: 4, duplicate_pair: 11 });
    expect(new Set(arms(ind).map((a) => a.split(':')[1])).size).toBe(6);
    // Filtering by one arm: (max, min) is there in both, (mu+sigma, min) only when arms are independent.
    expect(arms(ind)).toContain('max/min:19-0');
    expect(arms(ind)).toContain('mu+sigma/min:19-0');
    expect(arms(d).filter((a) => a.startsWith('mu+sigma/min'))).toEqual([]);
  });
});

describe('the CLI flags', () => {
  const { dir, cli, rows, manifest } = cliIn('construct');
  const recs = Array.from({ length: 30 }, (_, g) => ({ prompt: `q${g}`, responses: Array.from({ length: 12 }, (_, i) => `r${i}`), scores: normals(500 + g, 12) }));
  writeFileSync(join(dir, 'c.jsonl'), recs.map((r) => JSON.stringify(r)).join('\n') + '\n');

  it('pairs --rejected min-of-k:K: the lowest of K; K = 12 (= N) is max-min; named in rows and parameters', async () => {
    let r = await cli('pairs', 'c.jsonl', '-o', 'k.jsonl', '--rejected', 'min-of-k:3', '--seed', '4');
    expect(r.code, r.err).toBe(0);
    const k = rows('k.jsonl');
    expect(k.length).toBe(30);
    for (const x of k) {
      expect(x.rejected_position).toBe('min-of-k:3');
      expect(x.score_chosen).toBe(Math.max(...recs[x.prompt_index]!.scores));
    }
    expect(manifest('k.jsonl').parameters.rejected).toBe('min-of-k:3');
    r = await cli('pairs', 'c.jsonl', '-o', 'all.jsonl', '--rejected', 'min-of-k:12');
    expect(r.code, r.err).toBe(0);
    r = await cli('pairs', 'c.jsonl', '-o', 'mm.jsonl', '--strategy', 'max-min');
    expect(rows('all.jsonl').map((x) => x.rejected_index)).toEqual(rows('mm.jsonl').map((x) => x.rejected_index));
    expect(manifest('mm.jsonl').parameters).not.toHaveProperty('grid_arms');
  });

  it('refuses min-of-k with another strategy, K < 1, and --grid-arms without grid', async () => {
    for (const [args, msg] of [
      [['--strategy', 'max-min', '--rejected', 'min-of-k:3'], /--rejected applies to --strategy sweet-spot and positions only/],
      [['--rejected', 'min-of-k:0'], /min-of-k:K needs an integer K >= 1/],
      [['--rejected', 'min-of-k:2.5'], /min-of-k:K needs an integer K >= 1/],
      [['--grid-arms', 'independent'], /--grid-arms applies to --strategy grid only/],
    ] as const) {
      const r = await cli('pairs', 'c.jsonl', '-o', 'bad.jsonl', ...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
    }
  });

  it('pairs --strategy grid --grid-arms independent: every arm keeps its prompts', async () => {
    const r = await cli('pairs', 'c.jsonl', '-o', 'gi.jsonl', '--strategy', 'grid', '--grid-arms', 'independent');
    expect(r.code, r.err).toBe(0);
    await cli('pairs', 'c.jsonl', '-o', 'gd.jsonl', '--strategy', 'grid');
    const arm = (f: string) => rows(f).filter((x) => x.chosen_position === 'max' && x.rejected_position === 'min').length;
    // With N = 12 and distinct scores, (max, min) is valid in every prompt: all 30 when independent.
    expect(arm('gi.jsonl')).toBe(30);
    expect(arm('gd.jsonl')).toBeLessThan(30);
    expect(manifest('gi.jsonl').parameters.grid_arms).toBe('independent');
  });

  it('--help shows the flags with an example', async () => {
    const r = await cli('pairs', '--help');
    expect(r.out).toMatch(/--grid-arms <mode>/);
    expect(r.out).toMatch(/\$ pairsmith pairs .*--grid-arms independent/);
    expect(r.out).toMatch(/\$ pairsmith pairs .*--rejected min-of-k:5/);
  });
});

// BeeS fidelity (issue #15): --calibration stable|official, the narrow-p warning and --scale-external, held to an
// independent numpy peer (test/fidelity/peer_bees.py: a transcription of the released m_sampler.py `mul` branch,
// and the paper's formula) whose output is committed as peer_bees.json, plus hand-computed cases.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrate } from '../../src/pipeline/calibrate.js';
import { externalScale, selectPairs, type SelectResult } from '../../src/pipeline/select.js';
import { expectAllClose, expectClose } from '../helpers/close.js';
import { cliIn, numpyAvailable } from './cli.js';

type Num = number | null;
interface Side {
  upper_external: number;
  upper_implicit: number;
  p_external: Num[];
  p_implicit: Num[];
  top: number[];
}
interface Case {
  name: string;
  external: Num[];
  implicit: Num[];
  top: number;
  official: Side & { score: Num[] };
  stable?: Side & { key: Num[]; p_external_span: number; factor: null };
  stable_auto?: Side & { key: Num[]; p_external_span: number; factor: number };
  stable_x150?: Side & { key: Num[]; p_external_span: number; factor: number };
}

const FILE = 'test/fidelity/peer_bees.json';
const peer = JSON.parse(readFileSync(FILE, 'utf8')) as { cases: Case[] };
const col = (xs: Num[]) => Float64Array.from(xs, (x) => (x === null ? Number.NaN : x));
const byName = (n: string) => peer.cases.find((c) => c.name === n)!;
const kept = (r: SelectResult) => Array.from(r.order.subarray(0, r.k)).sort((a, b) => a - b);

describe('BeeS against the numpy peer', () => {
  it.skipIf(!numpyAvailable())('the peer script reproduces the committed values', () => {
    const fresh = JSON.parse(execFileSync('python3', ['test/fidelity/peer_bees.py'], { encoding: 'utf8', maxBuffer: 1 << 26 })) as { cases: Case[] };
    expect(fresh).toEqual(peer);
  });

  for (const c of peer.cases) {
    it(`${c.name}: --calibration official gives the released code's p, fused P (NaN included) and top k`, () => {
      const r = selectPairs({ external: col(c.external), implicit: col(c.implicit) }, { by: 'bees', top: c.top, calibration: 'official' });
      expect(r.calibrationExternal!.upper).toBe(c.official.upper_external);
      expect(r.calibrationImplicit!.upper).toBe(c.official.upper_implicit);
      expectAllClose(r.pExternal!, col(c.official.p_external), { rtol: 0 }, 'p_external');
      expectAllClose(r.pImplicit!, col(c.official.p_implicit), { rtol: 0 }, 'p_implicit');
      expectAllClose(r.score, col(c.official.score), { rtol: 0 }, 'P');
      expect(kept(r)).toEqual(c.official.top);
      const nan = c.official.score.filter((x) => x === null).length;
      expect(r.nanScores!.count).toBe(nan);
      if (nan > 0) expect(r.warnings.join('\n')).toMatch(new RegExp(`${nan} pairs have a NaN fused score`));
    });
    for (const [variant, scale] of [['stable', undefined], ['stable_auto', 'auto'], ['stable_x150', 150]] as const) {
      const s = c[variant];
      if (!s) continue;
      it(`${c.name}: ${variant} (the paper's formula${scale ? `, --scale-external ${scale}` : ''}) gives the peer's p, key and top k`, () => {
        const r = selectPairs({ external: col(c.external), implicit: col(c.implicit) }, { by: 'bees', top: c.top, ...(scale === undefined ? {} : { scaleExternal: scale }) });
        if (s.factor !== null) expectClose(r.scaleExternal!.factor, s.factor, { rtol: 1e-14 }, 'factor');
        else expect(r.scaleExternal).toBeNull();
        expect(r.calibrationExternal!.upper).toBe(s.upper_external);
        expect(r.calibrationImplicit!.upper).toBe(s.upper_implicit);
        expectAllClose(r.pExternal!, col(s.p_external), { rtol: 1e-15 }, 'p_external');
        expectAllClose(r.pImplicit!, col(s.p_implicit), { rtol: 1e-15 }, 'p_implicit');
        expectAllClose(r.key, col(s.key), { rtol: 1e-13, atol: 1e-13 }, 'key');
        expect(kept(r)).toEqual(s.top);
        // The narrow-p warning: exactly when the external p spans less than 0.2.
        const warned = r.warnings.some((w) => w.startsWith('external margins: calibrated p spans only'));
        expect(warned).toBe(s.p_external_span < 0.2);
      });
    }
  }

  it('the issue regime: ArmoRM-scale gaps are squeezed and warned about; auto scaling un-squeezes them', () => {
    const c = byName('armo');
    expect(c.stable!.p_external_span).toBeLessThan(0.2);
    expect(c.stable_auto!.p_external_span).toBeGreaterThan(0.2);
    const plain = selectPairs({ external: col(c.external), implicit: col(c.implicit) }, { by: 'bees', top: c.top });
    const implicitOnly = selectPairs({ implicit: col(c.implicit) }, { by: 'implicit', top: c.top });
    const auto = selectPairs({ external: col(c.external), implicit: col(c.implicit) }, { by: 'bees', top: c.top, scaleExternal: 'auto' });
    const overlap = (a: SelectResult, b: SelectResult) => kept(a).filter((i) => kept(b).includes(i)).length;
    // Unscaled, BeeS keeps nearly the implicit-only selection; scaled, the external margin has a say.
    expect(overlap(plain, implicitOnly)).toBeGreaterThan(overlap(auto, implicitOnly));
    expect(plain.warnings.some((w) => /external margins: calibrated p spans only/.test(w))).toBe(true);
    expect(auto.warnings.some((w) => /external margins: calibrated p spans only/.test(w))).toBe(false);
  });
});

describe('calibration arithmetic by hand', () => {
  it('official divides by max(clip(m)) - L: margins up to 0.9 with U = 1 give p(0.9) = 1, not 2.9 / 3', () => {
    const m = Float64Array.from({ length: 40 }, (_, i) => 0.0225 * (i + 1));
    const s = calibrate(m, { divisor: 1.5 });
    const o = calibrate(m, { divisor: 1.5, mode: 'official' });
    // trunc(0.9 / 1.5) = 0; 40 margins above 0 (>= 30 and >= 0.9 - 0): U = 1; then none above 1: stop.
    expect(s.calibration.upper).toBe(1);
    expectClose(s.p[39]!, 2.9 / 3, { rtol: 1e-15 });
    expect(o.p[39]).toBe(1);
    expectClose(o.p[0]!, 2.0225 / 2.9, { rtol: 1e-15 });
    expectClose(o.calibration.denominator, 2.9, { rtol: 1e-15 });
    expect(o.calibration.warnings.join()).toMatch(/divides by max\(clip\(m, L, U\)\) - L = 2.9/);
  });

  it('official: every margin <= L gives NaN everywhere (reported); stable refuses U <= L', () => {
    // max -3: U = trunc(-3 / 1.5) = -2 = L (nothing above it: the search stops at once).
    const m = Float64Array.from([-3, -4, -5.5]);
    const o = calibrate(m, { divisor: 1.5, mode: 'official' });
    expect(o.calibration.upper).toBe(-2);
    expect(Array.from(o.p).every(Number.isNaN)).toBe(true);
    expect(o.calibration.warnings.join()).toMatch(/0\/0 = NaN/);
    expect(() => calibrate(m, { divisor: 1.5 })).toThrow(/must be above the lower bound/);
  });

  it('official needs the zero missing policy (the released nan_to_num)', () => {
    expect(() => calibrate(Float64Array.from([1, Number.NaN]), { divisor: 1.5, mode: 'official', missing: 'drop' })).toThrow(/missing policy must be zero/);
  });

  it('the spec example: official keeps the NaN pair 0 and the two later P = 1 pairs (6, 7); stable keeps 7, 6, 1', () => {
    const ex = Float64Array.from([-3, -0.5, 0.4, 1.2, 2.0, 3.5, 6.0, 9.0]);
    const im = Float64Array.from([25, 44, -6, 1, 12, -40, 5, 18]);
    const o = selectPairs({ external: ex, implicit: im }, { by: 'bees', top: 3, calibration: 'official' });
    expect(Array.from(o.order.subarray(0, 3))).toEqual([0, 7, 6]);
    expect(o.nanScores).toEqual({ count: 1, kept: 1 });
    const s = selectPairs({ external: ex, implicit: im }, { by: 'bees', top: 3 });
    expect(Array.from(s.order.subarray(0, 3))).toEqual([7, 6, 1]);
    expect(s.nanScores).toBeNull();
  });

  it('--scale-external: a factor multiplies m_ex before calibration only; auto is IQR(m_im) / IQR(m_ex)', () => {
    // IQR by type-7 quantiles: m_ex [0, 1, 2, 3, 4] -> Q1 1, Q3 3, IQR 2; m_im [0, 10, 20, 30, 40] -> IQR 20: s = 10.
    const ex = Float64Array.from([0, 1, 2, 3, 4]);
    const im = Float64Array.from([0, 10, 20, 30, 40]);
    expect(externalScale('auto', ex, im)).toBe(10);
    expect(externalScale(2.5, ex, im)).toBe(2.5);
    expect(() => externalScale('auto', ex, undefined)).toThrow(/needs implicit margins/);
    expect(() => externalScale('auto', Float64Array.from([1, 1, 1]), im)).toThrow(/spread/);
    expect(() => externalScale(0, ex, im)).toThrow(/> 0/);
    const r = selectPairs({ external: ex, implicit: im }, { by: 'bees', top: 2, scaleExternal: 2, upperExternal: 6, upperImplicit: 38 });
    // p_ex = (clip(2 m, -2, 6) + 2) / 8 = [0.25, 0.5, 0.75, 1, 1]; the external ranking itself is unscaled.
    expect(Array.from(r.pExternal!)).toEqual([0.25, 0.5, 0.75, 1, 1]);
    const e = selectPairs({ external: ex, implicit: im }, { by: 'add', top: 2, scaleExternal: 2 });
    expect(Array.from(e.score)).toEqual([0, 11, 22, 33, 44]);
  });

  it('a scaled margin that overflows stays at +-max double (p = 1 or 0) and is reported', () => {
    const ex = Float64Array.from([1e308, -1e308, 1, 2]);
    const im = Float64Array.from([1, 2, 3, 4]);
    const r = selectPairs({ external: ex, implicit: im }, { by: 'bees', top: 1, scaleExternal: 10, upperExternal: 6, upperImplicit: 6 });
    expect(r.scaleExternal!.overflow).toBe(2);
    expect(r.pExternal![0]).toBe(1);
    expect(r.pExternal![1]).toBe(0);
    expect(r.warnings.join()).toMatch(/2 external margins overflow/);
  });
});

describe('the CLI flags', () => {
  const { dir, cli, rows, manifest } = cliIn('bees');
  const ex = [-3, -0.5, 0.4, 1.2, 2.0, 3.5, 6.0, 9.0];
  const im = [25, 44, -6, 1, 12, -40, 5, 18];
  writeFileSync(
    join(dir, 'p.jsonl'),
    ex.map((m, i) => JSON.stringify({ prompt: `q${i}`, chosen: `a${i}`, rejected: `b${i}`, score_chosen: m, score_rejected: 0, implicit_margin: im[i] })).join('\n') + '\n',
  );

  it('select --calibration official keeps the NaN pair and reports it; the default run is unchanged', async () => {
    let r = await cli('select', 'p.jsonl', '-o', 'off.jsonl', '--top', '3', '--by', 'bees', '--calibration', 'official');
    expect(r.code, r.err).toBe(0);
    const ranked = (f: string) => rows(f).sort((a, b) => (a.selected as number) - (b.selected as number)).map((x) => x.prompt);
    expect(ranked('off.jsonl')).toEqual(['q0', 'q7', 'q6']);
    expect(rows('off.jsonl')[0]!.selection_score).toBeNull();
    const m = manifest('off.jsonl');
    expect(m.parameters.calibration).toBe('official');
    expect(m.report.selection.nan_scores).toEqual({ count: 1, kept: 1 });
    r = await cli('select', 'p.jsonl', '-o', 'def.jsonl', '--top', '3', '--by', 'bees');
    expect(r.code, r.err).toBe(0);
    expect(ranked('def.jsonl')).toEqual(['q7', 'q6', 'q1']);
    const d = manifest('def.jsonl');
    expect(d.parameters).not.toHaveProperty('calibration');
    expect(d.parameters).not.toHaveProperty('scaleExternal');
    expect(d.report.selection).not.toHaveProperty('nan_scores');
  });

  it('--calibration official with --missing drop is a usage error; --scale-external takes a number > 0 or auto', async () => {
    let r = await cli('select', 'p.jsonl', '-o', 'x.jsonl', '--top', '3', '--calibration', 'official', '--missing', 'drop');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/use --missing zero/);
    r = await cli('select', 'p.jsonl', '-o', 'x.jsonl', '--top', '3', '--scale-external', '-1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--scale-external must be a number > 0 or auto/);
    r = await cli('select', 'p.jsonl', '-o', 's.jsonl', '--top', '3', '--by', 'bees', '--scale-external', 'auto', '--report');
    expect(r.code, r.err).toBe(0);
    const m = manifest('s.jsonl');
    expect(m.parameters.scaleExternal).toBe('auto');
    expect(m.report.selection.scale_external.auto).toBe(true);
    expect(r.err).toMatch(/external margin scaled by/);
  });

  it('--help shows the flags with an example', async () => {
    for (const cmd of ['select', 'curate']) {
      const r = await cli(cmd, '--help');
      expect(r.out).toMatch(/--calibration <mode>/);
      expect(r.out).toMatch(/--scale-external <s>/);
    }
    const r = await cli('select', '--help');
    expect(r.out).toMatch(/\$ pairsmith select .*--calibration official/);
    expect(r.out).toMatch(/\$ pairsmith select .*--scale-external auto/);
  });
});

// dpoLosses on every backend against the JS twin, and gradients against central finite differences.
import { describe, expect, it } from 'vitest';
import { LOSS_TYPES, type LossColumns, type LossOptions, type LossType } from '../../src/kernels/losses.js';
import { referenceKernels as losses } from '../../src/reference/index.js';
import { ALL_BACKENDS, engineFor } from '../helpers/engines.js';
import { LANE_LENGTHS, expectAllClose, expectClose, rng } from '../helpers/close.js';

const f64 = (...x: number[]) => Float64Array.from(x);

type Cols = { [K in keyof Required<LossColumns>]: Float64Array };

/** Random pairs around typical sequence log-probs; lengths and gaps positive. */
function randomColumns(n: number, seed: number, spread = 3): Cols {
  const r = rng(seed);
  const col = (f: () => number) => Float64Array.from({ length: n }, f);
  const base = col(() => -300 * r());
  const baseR = col(() => -300 * r());
  return {
    policyChosen: base.map((v) => v + spread * (r() - 0.3)),
    policyRejected: baseR.map((v) => v + spread * (r() - 0.7)),
    referenceChosen: base,
    referenceRejected: baseR,
    chosenLength: col(() => Math.floor(1 + 200 * r())),
    rejectedLength: col(() => Math.floor(1 + 200 * r())),
    gap: col(() => 0.1 + 3 * r()),
  };
}

const FD_OPTS: LossOptions[] = [
  { losses: [...LOSS_TYPES], beta: 0.3, labelSmoothing: 0.2, bcoRunningMean: false, batchSize: 4 },
  { losses: [...LOSS_TYPES], beta: 0.1, fDivergence: 'forward_kl', bcoRunningMean: false, batchSize: 3 },
  { losses: [...LOSS_TYPES], beta: 0.5, fDivergence: 'js_divergence', labelSmoothing: 0.05, bcoRunningMean: false },
  { losses: [...LOSS_TYPES], beta: 0.2, fDivergence: 'alpha_divergence', fAlpha: 0.3, bcoRunningMean: false, discopopTau: 0.5 },
  { losses: [...LOSS_TYPES], beta: 0.2, fDivergence: 'alpha_divergence', fAlpha: -0.4, bcoRunningMean: false },
];

describe('gradients against central finite differences (reference and WASM)', () => {
  for (const backend of ALL_BACKENDS) {
    it(`${backend}: every loss type and f-divergence`, () => {
      const e = engineFor(backend);
      const n = 7;
      for (const [k, opts] of FD_OPTS.entries()) {
        const cols = randomColumns(n, 100 + k, 2);
        const base = e.dpoLosses(cols, opts);
        for (const t of opts.losses) {
          const bs = opts.batchSize ?? 8;
          for (let j = 0; j < n; j++) {
            const b0 = Math.floor(j / bs) * bs;
            const b1 = Math.min(n, b0 + bs);
            const batchSum = (which: 'policyChosen' | 'policyRejected', delta: number) => {
              const moved = cols[which].slice();
              moved[j] = moved[j]! + delta;
              const c = { ...cols, [which]: moved };
              const l = e.dpoLosses(c, { ...opts, losses: [t] }).loss[t]!;
              let s = 0;
              for (let i = b0; i < b1; i++) s += l[i]!;
              return s;
            };
            const h = 1e-5;
            const fdC = (batchSum('policyChosen', h) - batchSum('policyChosen', -h)) / (2 * h);
            const fdR = (batchSum('policyRejected', h) - batchSum('policyRejected', -h)) / (2 * h);
            const label = `${t} opts#${k} row ${j}`;
            expectClose(base.gradChosen[t]![j]!, fdC, { rtol: 1e-5, atol: 1e-7 }, `${label} d/dc`);
            expectClose(base.gradRejected[t]![j]!, fdR, { rtol: 1e-5, atol: 1e-7 }, `${label} d/dr`);
          }
        }
      }
    });
  }
});

let largeCase: { cols: Cols; opts: LossOptions; want: ReturnType<typeof losses.dpoLosses> } | undefined;
/** One large input and its reference result, shared by every backend. */
function large() {
  if (!largeCase) {
    const cols = randomColumns((1 << 20) + 3, 3);
    const opts: LossOptions = { losses: ['sigmoid', 'aot', 'ipo'], batchSize: 32 };
    largeCase = { cols, opts, want: losses.dpoLosses(cols, opts) };
  }
  return largeCase;
}

function expectSameResult(
  got: ReturnType<typeof losses.dpoLosses>,
  want: ReturnType<typeof losses.dpoLosses>,
  types: readonly LossType[],
  label: string,
): void {
  // transcendentals: AS's libm and JS Math may differ in the last ulps; errors stay near the f64 epsilon
  const tol = { rtol: 1e-11, atol: 1e-13 };
  expectAllClose(got.chosenReward, want.chosenReward, { rtol: 0 }, `${label} chosenReward`);
  expectAllClose(got.rejectedReward, want.rejectedReward, { rtol: 0 }, `${label} rejectedReward`);
  expectAllClose(got.margin, want.margin, { rtol: 1e-15, atol: 1e-15 }, `${label} margin`);
  for (const t of types) {
    expectAllClose(got.loss[t]!, want.loss[t]!, tol, `${label} ${t}`);
    expectAllClose(got.gradChosen[t]!, want.gradChosen[t]!, tol, `${label} ${t} d/dc`);
    expectAllClose(got.gradRejected[t]!, want.gradRejected[t]!, tol, `${label} ${t} d/dr`);
  }
}

describe.each(ALL_BACKENDS)('dpoLosses on %s against the JS twin', (backend) => {
  const e = engineFor(backend);
  const all = [...LOSS_TYPES];

  it('lane-straddling lengths, every loss, default options and batch sizes 1, 3, 8, 64', () => {
    for (const n of LANE_LENGTHS.filter((m) => m <= 1023)) {
      const cols = randomColumns(n, n + 1);
      for (const batchSize of [1, 3, 8, 64]) {
        const opts = { losses: all, batchSize };
        expectSameResult(e.dpoLosses(cols, opts), losses.dpoLosses(cols, opts), all, `n=${n} b=${batchSize}`);
      }
    }
  });

  it('every f-divergence and option set, with and without lengths and gaps', () => {
    const cols = randomColumns(65, 5, 40);
    const { chosenLength: _l, rejectedLength: _r, ...bare } = cols;
    for (const [k, o] of FD_OPTS.entries()) {
      for (const c of [cols, bare]) {
        const opts = { ...o, losses: c === bare ? all.filter((t) => !['rdpo', 'ripo', 'ml-rdpo', 'odpo'].includes(t)) : all };
        expectSameResult(e.dpoLosses(c, opts), losses.dpoLosses(c, opts), opts.losses, `opts#${k}`);
      }
    }
    const running = { losses: all, bcoRunningMean: true, batchSize: 5 };
    expectSameResult(e.dpoLosses(cols, running), losses.dpoLosses(cols, running), all, 'running');
  });

  it('chunks aligned to batchSize, with bcoRunningState carried, equal one call (and the reference state)', () => {
    const n = 47;
    const batchSize = 4;
    const cols = randomColumns(n, 21, 30);
    const opts = { losses: all, bcoRunningMean: true, batchSize };
    const whole = e.dpoLosses(cols, opts);
    const ref = losses.dpoLosses(cols, opts);
    expect(whole.bcoRunningState!.batches).toBe(Math.ceil(n / batchSize));
    expectClose(whole.bcoRunningState!.sum, ref.bcoRunningState!.sum, { rtol: 1e-12, atol: 1e-15 });
    let state: { sum: number; batches: number } | undefined;
    for (const [s, t] of [[0, 12], [12, 20], [20, 44], [44, 47]] as const) {
      const part = Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, v.subarray(s, t)])) as Cols;
      const got = e.dpoLosses(part, { ...opts, bcoRunningState: state });
      for (const type of all) {
        // bit-identical: the same batches, in the same order, with the same carried sums
        expect(got.loss[type], `${type} rows ${s}-${t}`).toEqual(whole.loss[type]!.subarray(s, t));
        expect(got.gradChosen[type], `${type} rows ${s}-${t}`).toEqual(whole.gradChosen[type]!.subarray(s, t));
      }
      state = got.bcoRunningState;
    }
    expect(state).toEqual(whole.bcoRunningState);
    // without bco_pair, or without the running mean, no state is reported
    expect(e.dpoLosses(cols, { losses: ['sigmoid'] }).bcoRunningState).toBeUndefined();
    expect(e.dpoLosses(cols, { losses: ['bco_pair'], bcoRunningMean: false }).bcoRunningState).toBeUndefined();
    expect(() => e.dpoLosses(cols, { losses: ['bco_pair'], bcoRunningState: { sum: NaN, batches: 1 } })).toThrow(/bcoRunningState.sum/);
    expect(() => e.dpoLosses(cols, { losses: ['bco_pair'], bcoRunningState: { sum: 0, batches: 1.5 } })).toThrow(/bcoRunningState.batches/);
  });

  it('ties in aot sorts resolve the same way (by position) on every backend', () => {
    const n = 16;
    const cols = randomColumns(n, 9);
    for (let i = 0; i < n; i++) {
      cols.policyChosen[i] = -10 - (i % 3);
      cols.policyRejected[i] = -12;
      cols.referenceChosen[i] = -11 + (i % 2);
      cols.referenceRejected[i] = -11;
    }
    const opts = { losses: ['aot', 'aot_unpaired'] as LossType[], batchSize: 16 };
    expectSameResult(e.dpoLosses(cols, opts), losses.dpoLosses(cols, opts), opts.losses, 'ties');
  });

  it('misaligned subarrays and resident buffers give the same result', () => {
    const big = randomColumns(1030, 77);
    const sub = Object.fromEntries(Object.entries(big).map(([k, v]) => [k, v.subarray(3, 3 + 1021)])) as Cols;
    const opts = { losses: all };
    const want = losses.dpoLosses(sub, opts);
    expectSameResult(e.dpoLosses(sub, opts), want, all, 'subarray');
    const res = Object.fromEntries(
      Object.entries(sub).map(([k, v]) => {
        const b = e.alloc(Float64Array, v.length);
        b.view().set(v);
        return [k, b];
      }),
    );
    const before = e.memory().bytesInUse;
    expectSameResult(e.dpoLosses(res as unknown as LossColumns, opts), want, all, 'resident');
    expect(e.memory().bytesInUse).toBe(before);
    for (const b of Object.values(res)) (b as { free(): void }).free();
  });

  it('a large input (2^20 + 3 rows, three losses)', () => {
    const { cols, opts, want } = large();
    expectSameResult(e.dpoLosses(cols, opts), want, opts.losses, 'large');
  });

  it('empty input gives empty outputs', () => {
    const cols = randomColumns(0, 1);
    const r = e.dpoLosses(cols, { losses: all });
    expect(r.margin.length).toBe(0);
    for (const t of all) expect(r.loss[t]!.length).toBe(0);
  });

  it('rejects bad input before any backend runs, naming the argument', () => {
    const cols = randomColumns(4, 2);
    expect(() => e.dpoLosses({ ...cols, policyChosen: Float32Array.from([1, 2, 3, 4]) as never }, { losses: ['sigmoid'] })).toThrow(
      /columns.policyChosen must be Float64Array/,
    );
    expect(() => e.dpoLosses({ ...cols, referenceRejected: f64(1, 2) }, { losses: ['sigmoid'] })).toThrow(/referenceRejected has length 2/);
    const nan = { ...cols, policyRejected: f64(1, NaN, 3, 4) };
    expect(() => e.dpoLosses(nan, { losses: ['sigmoid'] })).toThrow(/policyRejected\[1\] is NaN/);
    expect(() => e.dpoLosses(cols, { losses: [] })).toThrow(/at least one/);
    expect(() => e.dpoLosses(cols, { losses: ['nope' as LossType] })).toThrow(/unknown loss type 'nope'/);
    expect(() => e.dpoLosses(cols, { losses: ['sigmoid', 'sigmoid'] })).toThrow(/twice/);
    expect(() => e.dpoLosses(cols, { losses: ['sigmoid'], beta: 0 })).toThrow(/options.beta/);
    expect(() => e.dpoLosses(cols, { losses: ['robust'], labelSmoothing: 0.5 })).toThrow(/labelSmoothing/);
    expect(() => e.dpoLosses(cols, { losses: ['aot'], batchSize: 2.5 })).toThrow(/batchSize/);
    const { gap: _g, ...noGap } = cols;
    expect(() => e.dpoLosses(noGap, { losses: ['rdpo'] })).toThrow(/columns.gap is required for rdpo/);
    expect(() => e.dpoLosses({ ...cols, gap: f64(1, Infinity, 1, 1) }, { losses: ['odpo'] })).toThrow(/gap\[1\] is Infinity; use NaN/);
    const overflow = { ...cols, policyChosen: f64(-1, 1e308, -1, -1), referenceChosen: f64(-2, -1e308, -2, -2) };
    expect(() => e.dpoLosses(overflow, { losses: ['sigmoid'] })).toThrow(/row 1: the log-ratios \(chosen Infinity.*rewards must be finite/);
    expect(() => e.dpoLosses(cols, { losses: ['exo_pair'], trl: 'v1' })).toThrow(/exo_pair needs options.labelSmoothing > 0 under TRL v1/);
    expect(() => e.dpoLosses(cols, { losses: ['sigmoid'], trl: 'v2' as never })).toThrow(/options.trl/);
    expect(() => e.dpoLosses(cols, { losses: ['sigmoid'], fDivergence: 'kl' as never })).toThrow(/fDivergence/);
  });
});

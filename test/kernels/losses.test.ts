// DPO-family losses, known answers on every backend: the spec's worked vectors (spec/losses.md 1.5, 3.4-3.5),
// saturation at +-500 and +-1000, f-divergences, batch-coupled losses on hand-made batches.
import { describe, expect, it } from 'vitest';
import { LOSS_TYPES, lossInvalidReason, type LossColumns, type LossOptions, type LossType } from '../../src/kernels/losses.js';
import { ALL_BACKENDS, engineFor } from '../helpers/engines.js';
import { expectAllClose, expectClose } from '../helpers/close.js';

const f64 = (...x: number[]) => Float64Array.from(x);

/** Spec case A: c = 1, r = -0.5, d = 1.5, n_w = 20, n_l = 25. */
const CASE_A: LossColumns = {
  policyChosen: f64(-10),
  policyRejected: f64(-12),
  referenceChosen: f64(-11),
  referenceRejected: f64(-11.5),
  chosenLength: f64(20),
  rejectedLength: f64(25),
};

/** Spec case B: a batch of three. */
const CASE_B: LossColumns = {
  policyChosen: f64(-10, -20, -15),
  policyRejected: f64(-12, -19, -15.5),
  referenceChosen: f64(-11, -19.5, -15.4),
  referenceRejected: f64(-11.3, -20, -15),
};

const mean = (x: Float64Array) => x.reduce((a, b) => a + b, 0) / x.length;

// The spec's test vectors carry ~9-10 significant digits.
const SPEC = { rtol: 2e-9, atol: 1e-9 };

describe.each(ALL_BACKENDS)('dpoLosses spec vectors on %s', (backend) => {
  const e = engineFor(backend);
  const one = (type: LossType, opts: Partial<LossOptions> = {}, cols: LossColumns = CASE_A) => {
    const r = e.dpoLosses(cols, { losses: [type], ...opts });
    return { loss: r.loss[type]![0]!, gc: r.gradChosen[type]![0]!, gr: r.gradRejected[type]![0]! };
  };

  it('case A, beta 0.1: values and gradients (spec 1.5)', () => {
    const table: [LossType, Partial<LossOptions>, number, number?, number?][] = [
      ['sigmoid', {}, 0.620957048, -0.04625702, 0.04625702],
      ['hinge', {}, 0.85, -0.1, 0.1],
      ['ipo', {}, 24.3049, -0.493, 0.3944],
      ['robust', { labelSmoothing: 0.1 }, 0.602207048, -0.05875702, 0.05875702],
      ['sigmoid', { labelSmoothing: 0.1 }, 0.635957048, -0.03625702, 0.03625702],
      ['robust', { labelSmoothing: 0.3 }, 0.508457048],
      ['sigmoid', { labelSmoothing: 0.3 }, 0.665957048],
      ['exo_pair', { labelSmoothing: 1e-3 }, 2.505516555, -0.16797225, 0.16797225],
      ['nca_pair', {}, 1.350824814, -0.02125312, 0.02437513],
      ['bco_pair', { bcoRunningMean: false }, 1.312856308, -0.04750208, 0.04875026],
      ['sppo_hard', {}, 36.25, -8, 9],
      ['apo_zero', {}, 0.962523416, -0.0249376, 0.02498438],
      ['apo_down', {}, 0.987549342, 0.0000777, 0.0248599],
      ['discopop', { discopopTau: 0.05 }, 0.849337579, -0.0625203, 0.0625203],
    ];
    for (const [type, opts, loss, gc, gr] of table) {
      const got = one(type, opts);
      const label = `${type} ${JSON.stringify(opts)}`;
      expectClose(got.loss, loss, SPEC, label);
      if (gc !== undefined) expectClose(got.gc, gc, { rtol: 1e-6, atol: 1e-8 }, `${label} d/dc`);
      if (gr !== undefined) expectClose(got.gr, gr, { rtol: 1e-6, atol: 1e-8 }, `${label} d/dr`);
    }
  });

  it('case A, beta 0.5: values (spec 1.5), robust eps 0.3 negative as it should be', () => {
    const table: [LossType, Partial<LossOptions>, number][] = [
      ['sigmoid', {}, 0.3868710061],
      ['hinge', {}, 0.25],
      ['ipo', {}, 0.8649],
      ['robust', { labelSmoothing: 0.1 }, 0.2931210061],
      ['sigmoid', { labelSmoothing: 0.1 }, 0.4618710061],
      ['robust', { labelSmoothing: 0.3 }, -0.1756289939],
      ['sigmoid', { labelSmoothing: 0.3 }, 0.6118710061],
      ['exo_pair', { labelSmoothing: 1e-3 }, 1.5893475712],
      ['nca_pair', {}, 1.2490851862],
      ['bco_pair', { bcoRunningMean: false }, 1.0500164041],
      ['sppo_hard', {}, 0.25],
      ['apo_zero', {}, 0.8153641679],
      ['apo_down', {}, 0.943280632],
      ['discopop', {}, 0.4723665266],
    ];
    for (const [type, opts, loss] of table) expectClose(one(type, { beta: 0.5, ...opts }).loss, loss, SPEC, type);
  });

  it('ipo without token counts is the un-normalised (d - 1/(2 beta))^2', () => {
    const { chosenLength: _a, rejectedLength: _b, ...noLengths } = CASE_A;
    expectClose(one('ipo', {}, noLengths).loss, 12.25, SPEC);
  });

  it('exo_pair floors label smoothing 0 at 1e-3 (TRL <= v0.28)', () => {
    expectClose(one('exo_pair', { labelSmoothing: 0 }).loss, 2.505516555, SPEC);
  });

  it('bco_pair with the running mean: shift = mean of the batch mean rewards (hand-computed)', () => {
    // one row: shift = (0.1 + -0.05) / 2 = 0.025; loss = 2 * softplus(-0.075)
    const got = one('bco_pair');
    expectClose(got.loss, 1.3127002816535902, { rtol: 1e-13 });
    expectClose(got.gc, -0.048125878412146474, { rtol: 1e-13 });
    expectClose(got.gr, 0.048125878412146474, { rtol: 1e-13 });
    // case B, one batch of 3, then batches of 2 (the running mean moves with the second batch)
    const b3 = e.dpoLosses(CASE_B, { losses: ['bco_pair'], batchSize: 3 }).loss.bco_pair!;
    expectAllClose(b3, [1.3031028403903218, 1.4627446633292158, 1.3418699769087548], { rtol: 1e-13 });
    const b2 = e.dpoLosses(CASE_B, { losses: ['bco_pair'], batchSize: 2 }).loss.bco_pair!;
    expectAllClose(b2, [1.3031063063432, 1.462706522866287, 1.3418396108882984], { rtol: 1e-13 });
  });

  it('case B: sigmoid, aot, aot_unpaired means and TRL metrics (spec 1.5)', () => {
    const r = e.dpoLosses(CASE_B, { losses: ['sigmoid', 'aot', 'aot_unpaired'], batchSize: 8 });
    expectClose(mean(r.loss.sigmoid!), 0.6772905752, SPEC);
    expectClose(mean(r.loss.aot!), 0.6759171135, SPEC);
    expectClose(mean(r.loss.aot_unpaired!), 0.6751678998, SPEC);
    expectClose(mean(r.chosenReward), 0.03, SPEC);
    expectClose(mean(r.rejectedReward), -0.0066666667, SPEC);
    expectClose(mean(r.margin), 0.0366666667, SPEC);
    expect(Array.from(r.chosenReward).filter((c, i) => c > r.rejectedReward[i]!).length / 3).toBeCloseTo(0.6666666667, 9);
  });

  it('aot on a hand-made batch: losses by sorted position, gradients back to the rows', () => {
    // policy log-odds [2, -1, 0.5] sort to rows [1, 2, 0]; ref log-odds [0.3, 0.5, -0.4] sort to [-0.4, 0.3, 0.5]
    // delta = [-0.6, 0.2, 1.5]; row j gets the loss at position j; row 1 (rank 0) gets position 0's gradient, ...
    const sp = (x: number) => Math.log1p(Math.exp(x));
    const sg = (x: number) => 1 / (1 + Math.exp(-x));
    const r = e.dpoLosses(CASE_B, { losses: ['aot'] });
    expectAllClose(r.loss.aot!, [sp(0.06), sp(-0.02), sp(-0.15)], { rtol: 1e-12 });
    const g = [-0.1 * sg(0.06), -0.1 * sg(-0.02), -0.1 * sg(-0.15)];
    expectAllClose(r.gradChosen.aot!, [g[2]!, g[0]!, g[1]!], { rtol: 1e-12 });
    expectAllClose(r.gradRejected.aot!, [-g[2]!, -g[0]!, -g[1]!], { rtol: 1e-12 });
    // aot_unpaired: c = [1, -0.5, 0.4] ranks [2, 0, 1]; r = [-0.7, 1, -0.5] ranks [0, 2, 1]; delta = [0.2, 0.9, 0]
    const u = e.dpoLosses(CASE_B, { losses: ['aot_unpaired'] });
    const h = [-0.1 * sg(-0.02), -0.1 * sg(-0.09), -0.1 * sg(0)];
    expectAllClose(u.loss.aot_unpaired!, [sp(-0.02), sp(-0.09), sp(0)], { rtol: 1e-12 });
    expectAllClose(u.gradChosen.aot_unpaired!, [h[2]!, h[0]!, h[1]!], { rtol: 1e-12 });
    expectAllClose(u.gradRejected.aot_unpaired!, [-h[0]!, -h[2]!, -h[1]!], { rtol: 1e-12 });
    // batches of 1: every sort is trivial, aot equals sigmoid with the row's own d
    const b1 = e.dpoLosses(CASE_B, { losses: ['aot', 'sigmoid'], batchSize: 1 });
    expectAllClose(b1.loss.aot!, b1.loss.sigmoid!, { rtol: 1e-15 });
  });

  it('sft: token-mean NLL of the chosen completions per batch, broadcast to its rows', () => {
    const cols = { ...CASE_B, chosenLength: f64(10, 20, 10) };
    const r = e.dpoLosses(cols, { losses: ['sft'], batchSize: 2 });
    // batch [0, 1]: 30 / 30 tokens = 1; batch [2]: 15 / 10 = 1.5
    expectAllClose(r.loss.sft!, [1, 1, 1.5], { rtol: 1e-15 });
    expectAllClose(r.gradChosen.sft!, [-2 / 30, -2 / 30, -1 / 10], { rtol: 1e-15 });
    expectAllClose(r.gradRejected.sft!, [0, 0, 0]);
  });

  it('f-divergences change the DPO logit (hand-computed sigmoid values at case A)', () => {
    // alpha_divergence with TRL v0.28's coefficient a: logit (e^{-a r} - e^{-a c}) / a; a = 1 is forward KL
    const cases: [Partial<LossOptions>, number][] = [
      [{ fDivergence: 'forward_kl' }, 0.6311543835721054],
      [{ fDivergence: 'js_divergence' }, 0.6606521625101546],
      [{ fDivergence: 'alpha_divergence' }, 0.6311543835721054],
      [{ fDivergence: 'alpha_divergence', fAlpha: 2 }, 0.6306569486489363],
      [{ fDivergence: 'alpha_divergence', fAlpha: 0.5 }, 0.6276909470685579],
      [{ fDivergence: 'alpha_divergence', fAlpha: -1 }, 0.5931236612079824],
      [{ fDivergence: 'alpha_divergence', fAlpha: 0 }, 0.620957048],
    ];
    for (const [opts, want] of cases) expectClose(one('sigmoid', opts).loss, want, { rtol: 1e-9 }, JSON.stringify(opts));
    // the exponent is capped at log(float32 max) = 88.7228 as TRL's cap_exp: a = -1, c = 100
    const big = { ...CASE_A, policyChosen: f64(89) };
    const got = one('sigmoid', { fDivergence: 'alpha_divergence', fAlpha: -1 }, big);
    expect(got.loss).toBe(0);
    expect(got.gc).toBe(0);
    // ipo: the log-probs are per-token means first, so js sees c/n_w = 0.05 and r/n_l = -0.02
    expectClose(one('ipo', { fDivergence: 'js_divergence' }).loss, 24.653831378976058, { rtol: 1e-12 });
  });

  it('f-divergences leave the raw-ratio losses alone (TRL v0.28 changes only the logit)', () => {
    const raw: LossType[] = ['nca_pair', 'bco_pair', 'sppo_hard', 'apo_zero', 'apo_down', 'discopop', 'aot', 'aot_unpaired', 'sft'];
    const plain = e.dpoLosses(CASE_B, { losses: raw });
    const logitBased: LossType[] = ['sigmoid', 'robust', 'hinge', 'exo_pair'];
    const plainLogit = e.dpoLosses(CASE_B, { losses: logitBased, labelSmoothing: 0.1 });
    for (const fDivergence of ['forward_kl', 'js_divergence', 'alpha_divergence'] as const) {
      const got = e.dpoLosses(CASE_B, { losses: raw, fDivergence });
      for (const t of raw) expectAllClose(got.loss[t]!, plain.loss[t]!, { rtol: 0 }, `${fDivergence} ${t}`);
      const changed = e.dpoLosses(CASE_B, { losses: logitBased, fDivergence, labelSmoothing: 0.1 });
      for (const t of logitBased) expect(changed.loss[t]![0], `${fDivergence} ${t}`).not.toBe(plainLogit.loss[t]![0]);
    }
  });

  it('rating-aware losses (spec 3.4, 3.5; d = 1.5)', () => {
    const withGap = (g: number) => ({ ...CASE_A, chosenLength: undefined, rejectedLength: undefined, gap: f64(g) });
    const t: [LossType, Partial<LossOptions>, number, number, number?][] = [
      ['rdpo', { ratingBeta: 1 }, 1.5, 0.6931471806, -0.05],
      ['rdpo', { ratingBeta: 0.05 }, 1.5, 2.9062331779, -0.0945318683],
      ['rdpo', { ratingBeta: 0.1 }, 2, 1.9960354111, -0.0864127103],
      ['ripo', { ratingBeta: 1 }, 1.5, 0.25],
      ['ripo', { ratingBeta: 0.05 }, 1.5, 11.2225],
      ['ml-rdpo', { ratingVariance: 1 }, 1.5, 1.5322070478, -0.1812570155],
      ['ml-rdpo', { ratingVariance: 0.5 }, 2, 4.0434570478, -0.4162570155],
      ['odpo', { odpoAlpha: 1 }, 2, 1.0011523158],
      ['odpo', { odpoAlpha: 1 }, 0.5, 0.3579219578],
    ];
    for (const [type, opts, gap, loss, gd] of t) {
      const got = one(type, opts, withGap(gap));
      expectClose(got.loss, loss, SPEC, `${type} ${JSON.stringify(opts)} gap ${gap}`);
      // the spec's gradient is d/dd; d/dc = d/dd and d/dr = -d/dd
      if (gd !== undefined) {
        expectClose(got.gc, gd, SPEC, `${type} d/dc`);
        expectClose(got.gr, -gd, SPEC, `${type} d/dr`);
      }
    }
    // RDPO at beta 0.01, beta1 0.005, gap 2: d = 1.5 needs the policy gap scaled to keep d
    const r = one('rdpo', { beta: 0.01, ratingBeta: 0.005 }, withGap(2));
    expectClose(r.loss, 4.0034217177, SPEC);
    expectClose(r.gc, -0.0098174692, SPEC);
  });

  it('missing ratings: rdpo/ripo/odpo are NaN on that row, ml-rdpo keeps the ranking term', () => {
    const cols = { ...CASE_B, gap: f64(1.5, NaN, 0.5) };
    const r = e.dpoLosses(cols, { losses: ['rdpo', 'ml-rdpo', 'sigmoid'] });
    expect(r.loss.rdpo![1]).toBeNaN();
    expect(Number.isFinite(r.loss.rdpo![0]!)).toBe(true);
    expectClose(r.loss['ml-rdpo']![1]!, r.loss.sigmoid![1]!, { rtol: 1e-15 });
  });

  it('saturation at logits +-500 and +-1000: finite, correct, no NaN/Inf', () => {
    // beta = 1 and d set through the policy chosen log-prob (c = d, r = 0)
    for (const d of [-1000, -500, -20, 0, 20, 50, 500, 1000]) {
      const cols: LossColumns = { policyChosen: f64(d - 7), policyRejected: f64(-3), referenceChosen: f64(-7), referenceRejected: f64(-3), gap: f64(1) };
      const r = e.dpoLosses(cols, { losses: [...LOSS_TYPES], beta: 1, labelSmoothing: 0.1, bcoRunningMean: false });
      for (const t of LOSS_TYPES) {
        for (const v of [r.loss[t]![0]!, r.gradChosen[t]![0]!, r.gradRejected[t]![0]!]) {
          expect(Number.isFinite(v), `${t} at d=${d}: ${v}`).toBe(true);
        }
      }
      const plain = e.dpoLosses(cols, { losses: ['sigmoid'], beta: 1 });
      const sp = d < 0 ? -d + Math.log1p(Math.exp(d)) : Math.log1p(Math.exp(-d));
      expectClose(plain.loss.sigmoid![0]!, sp, { rtol: 1e-12 }, `sigmoid d=${d}`);
    }
    const sat = (d: number, type: LossType, eps = 0) =>
      e.dpoLosses(
        { policyChosen: f64(d), policyRejected: f64(0), referenceChosen: f64(0), referenceRejected: f64(0) },
        { losses: [type], beta: 1, labelSmoothing: eps },
      );
    const s = sat(-1000, 'sigmoid');
    expect(s.loss.sigmoid![0]).toBe(1000);
    expect(s.gradChosen.sigmoid![0]).toBe(-1);
    expect(sat(1000, 'sigmoid').loss.sigmoid![0]).toBe(0);
    expectClose(sat(20, 'sigmoid').loss.sigmoid![0]!, 2.06115362031e-9, { rtol: 1e-11 });
    expectClose(sat(50, 'sigmoid').loss.sigmoid![0]!, 1.92874984796e-22, { rtol: 1e-11 });
    expectClose(sat(-20, 'sigmoid').loss.sigmoid![0]!, 20.0000000021, { rtol: 1e-11 }); // spec gives 12 digits
    expectClose(sat(0, 'sigmoid').gradChosen.sigmoid![0]!, -0.5, { rtol: 1e-15 });
    // closed forms at |u| = 1000: robust eps 0.1 -> 0.9*1000/0.8 and -0.1*1000/0.8; exo floors -> -log(1-e), -log(e)
    expectClose(sat(-1000, 'robust', 0.1).loss.robust![0]!, 1125, { rtol: 1e-15 });
    expectClose(sat(1000, 'robust', 0.1).loss.robust![0]!, -125, { rtol: 1e-15 });
    expectClose(sat(1000, 'exo_pair').loss.exo_pair![0]!, -Math.log1p(-1e-3), { rtol: 1e-12 });
    expectClose(sat(-1000, 'exo_pair').loss.exo_pair![0]!, -Math.log(1e-3), { rtol: 1e-12 });
    expectClose(sat(-1000, 'discopop').loss.discopop![0]!, 1000, { rtol: 1e-15 });
    expect(sat(1000, 'discopop').loss.discopop![0]).toBe(0);
    expectClose(sat(-500, 'hinge').loss.hinge![0]!, 501, { rtol: 0 });
  });
});

describe.each(ALL_BACKENDS)('dpoLosses: sigmoid_norm, TRL presets, limits and validity on %s', (backend) => {
  const e = engineFor(backend);
  const one = (type: LossType, opts: Partial<LossOptions> = {}, cols: LossColumns = CASE_A) => {
    const r = e.dpoLosses(cols, { losses: [type], ...opts });
    return { loss: r.loss[type]![0]!, gc: r.gradChosen[type]![0]!, gr: r.gradRejected[type]![0]! };
  };

  it('sigmoid_norm: spec 1.5 case A (softplus(-beta (c/n_w - r/n_l)))', () => {
    const a = one('sigmoid_norm');
    expectClose(a.loss, 0.689653306, SPEC);
    expectClose(a.gc, -0.00249125, { rtol: 1e-6 });
    expectClose(a.gr, 0.001993, { rtol: 1e-6 });
    expectClose(one('sigmoid_norm', { beta: 0.5 }).loss, 0.6758002977, SPEC);
    // no token counts: counts of 1, i.e. plain sigmoid
    const { chosenLength: _a, rejectedLength: _b, ...bare } = CASE_A;
    expectClose(one('sigmoid_norm', {}, bare).loss, 0.620957048, SPEC);
  });

  it("trl 'v1': spec 1.5 values of TRL v1.9 (sigmoid ignores label smoothing, bco_pair has no running mean)", () => {
    expectClose(one('sigmoid', { trl: 'v1', labelSmoothing: 0.1 }).loss, 0.620957048, SPEC);
    expectClose(one('sigmoid', { trl: 'v1', labelSmoothing: 0.3 }).gc, -0.04625702, { rtol: 1e-6 });
    expectClose(one('bco_pair', { trl: 'v1' }).loss, 1.312856308, SPEC);
    expectClose(one('robust', { trl: 'v1', labelSmoothing: 0.1 }).loss, 0.602207048, SPEC);
    expectClose(one('exo_pair', { trl: 'v1', labelSmoothing: 1e-3 }).loss, 2.505516555, SPEC);
    // v0.28 keeps cDPO and the running mean (see above)
    expectClose(one('sigmoid', { labelSmoothing: 0.1 }).loss, 0.635957048, SPEC);
  });

  it("trl 'v1': fAlpha is v1's alpha = 1 - a (default 0.5), alpha 1 is reverse KL", () => {
    // v0.28's a = 0.5 (hand value in the f-divergence test above) is v1's alpha = 0.5, v1's default
    expectClose(one('sigmoid', { trl: 'v1', fDivergence: 'alpha_divergence' }).loss, 0.6276909470685579, { rtol: 1e-12 });
    expectClose(one('sigmoid', { trl: 'v1', fDivergence: 'alpha_divergence', fAlpha: 1 }).loss, 0.620957048, SPEC);
    // v1's alpha = 2 is v0.28's a = -1 (hand value above)
    expectClose(one('sigmoid', { trl: 'v1', fDivergence: 'alpha_divergence', fAlpha: 2 }).loss, 0.5931236612079824, { rtol: 1e-12 });
    // v1 lets the scores into nca_pair: js scores of case A, s(c) = log sigmoid(1), s(r) = log sigmoid(-0.5)
    const sp = (x: number) => Math.log1p(Math.exp(x));
    const sc = -sp(-1);
    const sr = -sp(0.5);
    expectClose(one('nca_pair', { trl: 'v1', fDivergence: 'js_divergence' }).loss, sp(-0.1 * sc) + 0.5 * sp(0.1 * sc) + 0.5 * sp(0.1 * sr), { rtol: 1e-14 });
    expectClose(one('nca_pair', { fDivergence: 'js_divergence' }).loss, 1.350824814, SPEC); // v0.28: raw log-ratios
  });

  it('forward_kl is alpha_divergence with a = 1 (v1: alpha = 0), to the last bit, also at huge log-ratios', () => {
    const cols: LossColumns = {
      policyChosen: f64(800, -800, 1, 30, -7), policyRejected: f64(-800, 800, -0.5, -30, 2),
      referenceChosen: f64(0, 0, 0, 0, 0), referenceRejected: f64(0, 0, 0, 0, 0),
      chosenLength: f64(3, 1, 20, 5, 9), rejectedLength: f64(2, 4, 25, 6, 1), gap: f64(1, 2, 0.5, 3, 1),
    };
    const all = { losses: [...LOSS_TYPES], labelSmoothing: 0.1, batchSize: 2 };
    for (const [trl, a] of [['v0.28', 1], ['v1', 0]] as const) {
      const fwd = e.dpoLosses(cols, { ...all, trl, fDivergence: 'forward_kl' });
      const alpha = e.dpoLosses(cols, { ...all, trl, fDivergence: 'alpha_divergence', fAlpha: a });
      for (const t of LOSS_TYPES) {
        expect(Array.from(fwd.loss[t]!), `${trl} ${t}`).toEqual(Array.from(alpha.loss[t]!));
        expect(Array.from(fwd.gradChosen[t]!), `${trl} ${t}`).toEqual(Array.from(alpha.gradChosen[t]!));
        expect(Array.from(fwd.gradRejected[t]!), `${trl} ${t}`).toEqual(Array.from(alpha.gradRejected[t]!));
      }
    }
  });

  it('log-ratios of +-800 give the limit values under every f-divergence (hand-computed), never NaN', () => {
    // c = 800, r = -800 (P) and the reverse (N); beta 0.1
    const P: LossColumns = { policyChosen: f64(800), policyRejected: f64(-800), referenceChosen: f64(0), referenceRejected: f64(0) };
    const N: LossColumns = { policyChosen: f64(-800), policyRejected: f64(800), referenceChosen: f64(0), referenceRejected: f64(0) };
    const e160 = 3.257488532207521e-70; // e^-160 (Python math.exp)
    const e80 = 1.8048513878454153e-35; // e^-80 (Python math.exp)
    const cases: [Partial<LossOptions>, [number, number, number], [number, number, number]][] = [
      // reverse KL: u = +-160
      [{}, [e160, -0.1 * e160, 0.1 * e160], [160, -0.1, 0.1]],
      // forward KL (alpha, a = 1): s(800) = -e^-800 = -0, s(-800) = -e^88.7228 (capped: ds/du = 0); u = +-0.1 e^88.7228
      [{ fDivergence: 'forward_kl' }, [0, 0, 0], [0.1 * Math.exp(88.7228), 0, 0]],
      [{ fDivergence: 'alpha_divergence' }, [0, 0, 0], [0.1 * Math.exp(88.7228), 0, 0]],
      // JS: s(800) = -0, s(-800) = -800: u = +-80; ds/du = sigmoid(-u) is 1 or e^-800 = 0
      [{ fDivergence: 'js_divergence' }, [e80, 0, 0.1 * e80], [80, -0.1, 0]],
      // alpha a = 0.5: s(800) = -2 e^-400 (ds/du = e^-400), s(-800) capped at -2 e^88.7228
      [{ fDivergence: 'alpha_divergence', fAlpha: 0.5 }, [0, 0, 0], [0.2 * Math.exp(88.7228), 0, 0.1 * Math.exp(-400)]],
      // TRL v1: the cap is 80; forward KL is alpha = 0, v1's default alpha 0.5 is a = 0.5
      [{ trl: 'v1', fDivergence: 'forward_kl' }, [0, 0, 0], [0.1 * Math.exp(80), 0, 0]],
      [{ trl: 'v1', fDivergence: 'alpha_divergence' }, [0, 0, 0], [0.2 * Math.exp(80), 0, 0.1 * Math.exp(-400)]],
    ];
    for (const [opts, p, n] of cases) {
      for (const [cols, want] of [[P, p], [N, n]] as const) {
        const got = one('sigmoid', opts, cols);
        const label = `${JSON.stringify(opts)} c=${cols === P ? 800 : -800}`;
        expectClose(got.loss, want[0], { rtol: 1e-15 }, `${label} loss`);
        expectClose(got.gc, want[1], { rtol: 1e-15 }, `${label} d/dc`);
        expectClose(got.gr, want[2], { rtol: 1e-15 }, `${label} d/dr`);
        // every other loss is a number too (a gap for the rating losses)
        const all = e.dpoLosses({ ...cols, gap: f64(1), chosenLength: f64(4), rejectedLength: f64(3) }, { losses: [...LOSS_TYPES], labelSmoothing: 0.1, ...opts });
        for (const t of LOSS_TYPES) {
          for (const v of [all.loss[t]![0]!, all.gradChosen[t]![0]!, all.gradRejected[t]![0]!]) expect(Number.isNaN(v), `${label} ${t}: ${v}`).toBe(false);
        }
      }
    }
  });

  it('validity per loss: a row one loss cannot use gets NaN for that loss only (lossInvalidReason)', () => {
    const gaps = [2, 0, -1, NaN, 0.5];
    const cols: LossColumns = {
      policyChosen: f64(-10, -20, -15, -12, -9), policyRejected: f64(-12, -19, -15.5, -13, -9.5),
      referenceChosen: f64(-11, -19.5, -15.4, -12.5, -9), referenceRejected: f64(-11.5, -20, -15, -12, -9.5),
      gap: f64(...gaps),
    };
    const types: LossType[] = ['sigmoid', 'odpo', 'rdpo', 'ripo', 'ml-rdpo', 'bco_pair'];
    const r = e.dpoLosses(cols, { losses: types, batchSize: 2 });
    const alone = e.dpoLosses(cols, { losses: ['sigmoid', 'bco_pair'], batchSize: 2 });
    for (const t of types) {
      gaps.forEach((g, i) => {
        const invalid = lossInvalidReason(t, g) !== undefined;
        for (const out of [r.loss, r.gradChosen, r.gradRejected]) expect(Number.isNaN(out[t]![i]!), `${t} row ${i} gap ${g}`).toBe(invalid);
      });
    }
    expect(gaps.map((g) => lossInvalidReason('odpo', g))).toEqual([undefined, 'gap_not_positive', 'gap_not_positive', 'no_rating', undefined]);
    expect(gaps.map((g) => lossInvalidReason('rdpo', g))).toEqual([undefined, undefined, undefined, 'no_rating', undefined]);
    // the other losses of the same call are those of a call without the rating losses
    expect(Array.from(r.loss.sigmoid!)).toEqual(Array.from(alone.loss.sigmoid!));
    expect(Array.from(r.loss.bco_pair!)).toEqual(Array.from(alone.loss.bco_pair!));
  });
});

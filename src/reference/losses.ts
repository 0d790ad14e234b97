// Pure-JS reference for assembly/kernels/losses.ts: every DPO-family loss, rewards and gradients written
// plainly from the formulas (TRL's DPOTrainer, spec/losses.md sections 1 and 3). The test oracle and fallback.
import type { LossColumns, LossOptions, LossResult, LossType } from '../kernels/losses.js';

const log1pexp = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))); // softplus
const logsig = (x: number): number => -log1pexp(-x);
const sig = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

interface Opts {
  beta: number;
  eps: number;
  fdiv: string;
  alpha: number;
  tau: number;
  batch: number;
  bcoRunning: boolean;
  beta1: number;
  variance: number;
  odpoAlpha: number;
}

/**
 * f-DPO score of a log-ratio and its derivative; the DPO logit is s(c) - s(r). TRL v0.28: js_divergence
 * log sigmoid(u); alpha_divergence with coefficient a: (exp(-a r) - exp(-a c)) / a, exponent capped at
 * log(float32 max) = 88.7228. forward_kl (TRL v1.x): -exp(-u).
 */
function fScore(u: number, o: Opts): [number, number] {
  switch (o.fdiv) {
    case 'forward_kl':
      return [-Math.exp(-u), Math.exp(-u)];
    case 'js_divergence':
      return [logsig(u), sig(-u)];
    case 'alpha_divergence': {
      if (Math.abs(o.alpha) < 1e-6) return [u, 1]; // the a -> 0 limit is reverse KL
      const t = -o.alpha * u;
      if (t > 88.7228) return [-Math.exp(88.7228) / o.alpha, 0];
      return [-Math.exp(t) / o.alpha, Math.exp(t)];
    }
    default:
      return [u, 1];
  }
}

/** Losses that ignore the f-divergence and take the raw log-ratios (TRL v0.28 changes only `logits`). */
const RAW: readonly LossType[] = ['ipo', 'nca_pair', 'bco_pair', 'sppo_hard', 'discopop'];

/** One row's token counts and rating gap. */
interface Row {
  nw: number;
  nl: number;
  gap: number;
}
/** [loss, d/d s(c), d/d s(r)] of one pair given its scores sc, sr (the raw c, r for the RAW losses). */
type PairLoss = (sc: number, sr: number, row: Row, o: Opts, shift: number) => [number, number, number];

/** Losses of the difference u = beta * (s(c) - s(r)) alone: [loss(u), dloss/du]. */
function ofMargin(f: (u: number, o: Opts, row: Row) => [number, number]): PairLoss {
  return (sc, sr, row, o) => {
    const [l, g] = f(o.beta * (sc - sr), o, row);
    return [l, o.beta * g, -o.beta * g];
  };
}

const PAIR: Partial<Record<LossType, PairLoss>> = {
  sigmoid: ofMargin((u, o) => [(1 - o.eps) * log1pexp(-u) + o.eps * log1pexp(u), -(1 - o.eps) * sig(-u) + o.eps * sig(u)]),
  robust: ofMargin((u, o) => [
    ((1 - o.eps) * log1pexp(-u) - o.eps * log1pexp(u)) / (1 - 2 * o.eps),
    (-(1 - o.eps) * sig(-u) - o.eps * sig(u)) / (1 - 2 * o.eps),
  ]),
  hinge: ofMargin((u) => [Math.max(0, 1 - u), u < 1 ? -1 : 0]),
  exo_pair: ofMargin((u, o) => {
    const e = o.eps === 0 ? 1e-3 : o.eps; // TRL <= v0.28 silently floors epsilon at 1e-3
    const qw = sig(u);
    const ql = sig(-u);
    const loss = qw * (logsig(u) - Math.log1p(-e)) + ql * (logsig(-u) - Math.log(e));
    // dL/dq = logit(q) - log(1-e) + log(e) and dq/du = q(1-q)
    return [loss, qw * ql * (u - Math.log1p(-e) + Math.log(e))];
  }),
  discopop: ofMargin((u, o) => {
    // m = sigmoid(u/tau); m * exp(-u) is formed in log space so a huge exp(-u) never meets m = 0
    const logM = logsig(u / o.tau);
    const log1mM = logsig(-u / o.tau);
    const sp = log1pexp(-u);
    const mExp = Math.exp(logM - u);
    const loss = Math.exp(log1mM) * sp + mExp;
    const dmdu = Math.exp(logM + log1mM) / o.tau;
    const grad = Math.exp(logM + log1mM - u) / o.tau - dmdu * sp - Math.exp(log1mM) * sig(-u) - mExp;
    return [loss, grad];
  }),
  ipo: (c, r, row, o) => {
    // TRL v0.28 averages the log-probs per token for ipo; the f-divergence then sees per-token ratios
    const nw = Math.max(row.nw, 1);
    const nl = Math.max(row.nl, 1);
    const [sc, dsc] = fScore(c / nw, o);
    const [sr, dsr] = fScore(r / nl, o);
    const e = sc - sr - 1 / (2 * o.beta);
    return [e * e, (2 * e * dsc) / nw, (-2 * e * dsr) / nl];
  },
  nca_pair: (sc, sr, _row, o) => {
    const a = o.beta * sc;
    const b = o.beta * sr;
    return [log1pexp(-a) + 0.5 * log1pexp(a) + 0.5 * log1pexp(b), o.beta * (0.5 * sig(a) - sig(-a)), o.beta * 0.5 * sig(b)];
  },
  bco_pair: (sc, sr, _row, o, shift) => {
    const a = o.beta * sc - shift;
    const b = o.beta * sr - shift;
    return [log1pexp(-a) + log1pexp(b), -o.beta * sig(-a), o.beta * sig(b)];
  },
  sppo_hard: (sc, sr, _row, o) => {
    const a = sc - 1 / (2 * o.beta);
    const b = sr + 1 / (2 * o.beta);
    return [a * a + b * b, 2 * a, 2 * b];
  },
  rdpo: ofMargin((u, o, row) => {
    const z = u - (o.beta / o.beta1) * row.gap;
    return [log1pexp(-z), -sig(-z)];
  }),
  ripo: ofMargin((u, o, row) => {
    const z = u - (o.beta / o.beta1) * row.gap - 0.5;
    return [z * z, 2 * z];
  }),
  odpo: ofMargin((u, o, row) => {
    const z = u - o.odpoAlpha * Math.log(row.gap);
    return [log1pexp(-z), -sig(-z)];
  }),
  'ml-rdpo': ofMargin((u, o, row) => {
    if (Number.isNaN(row.gap)) return [log1pexp(-u), -sig(-u)]; // no rating: the ranking term alone
    const e = row.gap - u;
    return [log1pexp(-u) + (e * e) / (2 * o.variance), -sig(-u) - e / o.variance];
  }),
};

/** Batch-wise sort order of keys (ties by position, so every backend agrees). */
function order(keys: number[]): number[] {
  return keys.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
}

/** Every requested loss per row, with rewards, margin and gradients; see LossesKernels.dpoLosses. */
export function dpoLosses(columns: LossColumns, options: LossOptions): LossResult {
  const pc = columns.policyChosen as Float64Array;
  const pr = columns.policyRejected as Float64Array;
  const rc = columns.referenceChosen as Float64Array;
  const rr = columns.referenceRejected as Float64Array;
  const lw = columns.chosenLength as Float64Array | undefined;
  const lr = columns.rejectedLength as Float64Array | undefined;
  const gap = columns.gap as Float64Array | undefined;
  const n = pc.length;
  const o: Opts = {
    beta: options.beta ?? 0.1,
    eps: options.labelSmoothing ?? 0,
    fdiv: options.fDivergence ?? 'reverse_kl',
    alpha: options.fAlpha ?? 1,
    tau: options.discopopTau ?? 0.05,
    batch: options.batchSize ?? 8,
    bcoRunning: options.bcoRunningMean ?? true,
    beta1: options.ratingBeta ?? 1,
    variance: options.ratingVariance ?? 1,
    odpoAlpha: options.odpoAlpha ?? 1,
  };
  const C = new Float64Array(n);
  const R = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    C[i] = pc[i]! - rc[i]!;
    R[i] = pr[i]! - rr[i]!;
  }
  const row: Row = { nw: 1, nl: 1, gap: NaN };
  const res: LossResult = {
    loss: {},
    gradChosen: {},
    gradRejected: {},
    chosenReward: C.map((c) => o.beta * c),
    rejectedReward: R.map((r) => o.beta * r),
    margin: C.map((c, i) => o.beta * (c - R[i]!)),
  };
  const batches: [number, number][] = [];
  for (let s = 0; s < n; s += o.batch) batches.push([s, Math.min(n, s + o.batch)]);

  for (const type of options.losses) {
    const L = new Float64Array(n);
    const GC = new Float64Array(n);
    const GR = new Float64Array(n);
    if (type === 'aot' || type === 'aot_unpaired') {
      for (const [s, e] of batches) {
        const keyA: number[] = [];
        const keyB: number[] = [];
        for (let i = s; i < e; i++) {
          // aot: policy log-odds vs reference log-odds; aot_unpaired: chosen vs rejected log-ratios
          keyA.push(type === 'aot' ? pc[i]! - pr[i]! : C[i]!);
          keyB.push(type === 'aot' ? rc[i]! - rr[i]! : R[i]!);
        }
        const oa = order(keyA);
        const ob = order(keyB);
        for (let j = 0; j < oa.length; j++) {
          const u = o.beta * (keyA[oa[j]!]! - keyB[ob[j]!]!);
          L[s + j] = (1 - o.eps) * log1pexp(-u) + o.eps * log1pexp(u);
          const g = o.beta * (-(1 - o.eps) * sig(-u) + o.eps * sig(u));
          GC[s + oa[j]!] = g;
          GR[s + (type === 'aot' ? oa[j]! : ob[j]!)] = -g;
        }
      }
    } else if (type === 'sft') {
      for (const [s, e] of batches) {
        let nll = 0;
        let tokens = 0;
        for (let i = s; i < e; i++) {
          nll -= pc[i]!;
          tokens += lw ? lw[i]! : 1;
        }
        tokens = Math.max(tokens, 1);
        for (let i = s; i < e; i++) {
          L[i] = nll / tokens;
          GC[i] = -(e - s) / tokens;
          GR[i] = 0;
        }
      }
    } else if (type === 'apo_zero' || type === 'apo_down') {
      // APO uses the raw log-ratios (TRL v0.28)
      for (let i = 0; i < n; i++) {
        const c = C[i]!;
        const r = R[i]!;
        const bc = o.beta * c;
        if (type === 'apo_zero') {
          L[i] = sig(-bc) + sig(o.beta * r);
          GC[i] = -o.beta * sig(bc) * sig(-bc);
          GR[i] = o.beta * sig(o.beta * r) * sig(-o.beta * r);
        } else {
          const u = o.beta * (c - r);
          L[i] = sig(bc) + sig(-u);
          GC[i] = o.beta * sig(bc) * sig(-bc) - o.beta * sig(u) * sig(-u);
          GR[i] = o.beta * sig(u) * sig(-u);
        }
      }
    } else {
      const f = PAIR[type]!;
      const needsGap = type === 'rdpo' || type === 'ripo' || type === 'odpo';
      // bco_pair: the sum of batch mean rewards and the batch count, carried in from earlier calls
      let meanSum = options.bcoRunningState?.sum ?? 0;
      let meanCount = options.bcoRunningState?.batches ?? 0;
      for (const [s, e] of batches) {
        let shift = 0;
        if (type === 'bco_pair' && o.bcoRunning) {
          // TRL's RunningMoments gets one value a batch (the mean of the batch's chosen and rejected rewards)
          let m = 0;
          for (let i = s; i < e; i++) m += o.beta * C[i]! + o.beta * R[i]!;
          meanSum += m / (2 * (e - s));
          meanCount += 1;
          shift = meanSum / meanCount;
        }
        for (let i = s; i < e; i++) {
          row.nw = lw ? lw[i]! : 1;
          row.nl = lr ? lr[i]! : 1;
          row.gap = gap ? gap[i]! : NaN;
          if (needsGap && Number.isNaN(row.gap)) {
            L[i] = GC[i] = GR[i] = NaN;
            continue;
          }
          const raw = RAW.includes(type);
          const [sc, dsc] = raw ? [C[i]!, 1] : fScore(C[i]!, o);
          const [sr, dsr] = raw ? [R[i]!, 1] : fScore(R[i]!, o);
          const [l, gc, gr] = f(sc, sr, row, o, shift);
          L[i] = l;
          GC[i] = gc * dsc;
          GR[i] = gr * dsr;
        }
      }
      if (type === 'bco_pair' && o.bcoRunning) res.bcoRunningState = { sum: meanSum, batches: meanCount };
    }
    res.loss[type] = L;
    res.gradChosen[type] = GC;
    res.gradRejected[type] = GR;
  }
  return res;
}

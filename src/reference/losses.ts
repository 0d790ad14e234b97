// Pure-JS reference for assembly/kernels/losses.ts: every DPO-family loss, rewards and gradients written plainly
// from the formulas (TRL's DPOTrainer, spec/losses.md sections 1 and 3). The test oracle and the js backend.
// The losses are a table (TABLE): one entry per loss type, made of the loss's own formula (value and gradient of
// its variable) and the input it takes (the DPO logit, the per-token logit, the two log-ratios, or a batch).
import type { LossColumns, LossResult, LossType, ResolvedLossOptions } from '../kernels/losses.js';
import { sigmoid as sig, softplus } from '../numeric.js';

const logsig = (x: number): number => -softplus(-x);

type Options = ResolvedLossOptions;
type Triple = [number, number, number];

/** The input columns with the log-ratios c = pc - rc and r = pr - rr. */
interface Cols {
  pc: Float64Array;
  pr: Float64Array;
  rc: Float64Array;
  rr: Float64Array;
  c: Float64Array;
  r: Float64Array;
  nw: Float64Array | undefined;
  nl: Float64Array | undefined;
  gap: Float64Array | undefined;
}

/** One row: log-ratios c and r, token counts (1 without), rating gap (NaN: none), bco_pair's shift. */
interface Row {
  c: number;
  r: number;
  nw: number;
  nl: number;
  gap: number;
  shift: number;
}

function rowAt(x: Cols, i: number, row: Row): Row {
  row.c = x.c[i]!;
  row.r = x.r[i]!;
  row.nw = x.nw?.[i] ?? 1;
  row.nl = x.nl?.[i] ?? 1;
  row.gap = x.gap?.[i] ?? NaN;
  return row;
}

/** [loss, d loss / dc, d loss / dr] of one row. */
type RowLoss = (row: Row, o: Options) => Triple;
type Out = [Float64Array, Float64Array, Float64Array];
/** A batch-coupled loss: rows [s, e) into out = [loss, d/dc, d/dr]; `state` is bco_pair's running mean. */
type BatchLoss = (x: Cols, s: number, e: number, o: Options, out: Out, state: { sum: number; batches: number }) => void;

/** The f-DPO score s(u) and ds/du: u, log sigmoid(u), or -exp(-a u)/a with the exponent capped (derivative 0 there). */
function score(u: number, o: Options): [number, number] {
  if (o.score === 'logSigmoid') return [logsig(u), sig(-u)];
  if (o.score === 'alpha') {
    const t = -o.scoreAlpha * u;
    if (t > o.scoreCap) return [-Math.exp(o.scoreCap) / o.scoreAlpha, 0];
    return [-Math.exp(t) / o.scoreAlpha, Math.exp(t)];
  }
  return [u, 1];
}

const always = (): boolean => true;
const never = (): boolean => false;
/** TRL v1 lets the f-divergence into the losses that v0.28 computes from the raw log-ratios. */
const inV1 = (o: Options): boolean => o.scoreAll;

/** A loss of the DPO logit u = beta (s(c) - s(r)) (raw log-ratios when not `scored`): f gives [loss, dloss/du]. */
function ofLogit(f: (u: number, o: Options, row: Row) => [number, number], scored: (o: Options) => boolean = always): RowLoss {
  return (row, o) => {
    const [sc, dc] = scored(o) ? score(row.c, o) : [row.c, 1];
    const [sr, dr] = scored(o) ? score(row.r, o) : [row.r, 1];
    const [l, g] = f(o.beta * (sc - sr), o, row);
    return [l, g * o.beta * dc, -g * o.beta * dr];
  };
}

/** A loss of the length-normalised logit m: s(c/n_w) - s(r/n_l), or s(c)/n_w - s(r)/n_l (TRL v1). */
function ofPerToken(f: (m: number, o: Options) => [number, number]): RowLoss {
  return (row, o) => {
    const nw = Math.max(row.nw, 1);
    const nl = Math.max(row.nl, 1);
    const [sc, dc] = o.normalizeScores ? score(row.c, o) : score(row.c / nw, o);
    const [sr, dr] = o.normalizeScores ? score(row.r, o) : score(row.r / nl, o);
    const [l, g] = o.normalizeScores ? f(sc / nw - sr / nl, o) : f(sc - sr, o);
    return [l, (g * dc) / nw, (-g * dr) / nl];
  };
}

/** A loss of the two log-ratios x = s(c), y = s(r) (raw when not `scored`): f gives [loss, dL/dx, dL/dy]. */
function ofSides(f: (x: number, y: number, o: Options, row: Row) => Triple, scored: (o: Options) => boolean): RowLoss {
  return (row, o) => {
    const [x, dx] = scored(o) ? score(row.c, o) : [row.c, 1];
    const [y, dy] = scored(o) ? score(row.r, o) : [row.r, 1];
    const [l, gx, gy] = f(x, y, o, row);
    return [l, gx * dx, gy * dy];
  };
}

/** NaN for rows without the rating gap the loss needs (positive: gap > 0, else any gap). */
function rated(f: RowLoss, positive = false): RowLoss {
  return (row, o) => (positive ? row.gap > 0 : !Number.isNaN(row.gap)) ? f(row, o) : [NaN, NaN, NaN];
}

/** (1 - eps) softplus(-u) + eps softplus(u) and its derivative. */
function smoothed(u: number, eps: number): [number, number] {
  return [(1 - eps) * softplus(-u) + (eps > 0 ? eps * softplus(u) : 0), -(1 - eps) * sig(-u) + eps * sig(u)];
}

/** Row-local losses over each row; batch losses over consecutive batches of batchSize rows. */
type Entry = { row: RowLoss } | { batch: BatchLoss };

/** aot (paired log-odds) or aot_unpaired (log-ratios): per batch, sort both keys; position j pairs the j-th of each. */
function aot(paired: boolean): BatchLoss {
  return (x, s, e, o, [L, GC, GR]) => {
    const keyA: number[] = [];
    const keyB: number[] = [];
    for (let i = s; i < e; i++) {
      keyA.push(paired ? x.pc[i]! - x.pr[i]! : x.c[i]!);
      keyB.push(paired ? x.rc[i]! - x.rr[i]! : x.r[i]!);
    }
    // ties broken by position, so every backend agrees
    const order = (k: number[]): number[] => k.map((_, i) => i).sort((a, b) => k[a]! - k[b]! || a - b);
    const oa = order(keyA);
    const ob = order(keyB);
    for (let j = 0; j < e - s; j++) {
      const [l, g] = smoothed(o.beta * (keyA[oa[j]!]! - keyB[ob[j]!]!), o.labelSmoothing);
      L[s + j] = l;
      GC[s + oa[j]!] = o.beta * g;
      GR[s + (paired ? oa[j]! : ob[j]!)] = -o.beta * g;
    }
  };
}

/** sft: the token-mean NLL of the batch's chosen completions, on every row of the batch. */
const sft: BatchLoss = (x, s, e, _o, [L, GC, GR]) => {
  let nll = 0;
  let tokens = 0;
  for (let i = s; i < e; i++) {
    nll -= x.pc[i]!;
    tokens += x.nw?.[i] ?? 1;
  }
  tokens = Math.max(tokens, 1);
  for (let i = s; i < e; i++) {
    L[i] = nll / tokens;
    GC[i] = -(e - s) / tokens;
    GR[i] = 0;
  }
};

/** bco_pair: the two-sided loss with the running mean of the batches' mean rewards as shift (TRL v0.28). */
function withRunningMean(f: RowLoss): BatchLoss {
  const row = { c: 0, r: 0, nw: 1, nl: 1, gap: NaN, shift: 0 };
  return (x, s, e, o, [L, GC, GR], state) => {
    row.shift = 0;
    if (o.bcoRunningMean) {
      // TRL's RunningMoments gets one value a batch: the mean of the batch's chosen and rejected rewards
      let m = 0;
      for (let i = s; i < e; i++) m += o.beta * x.c[i]! + o.beta * x.r[i]!;
      state.sum += m / (2 * (e - s));
      state.batches += 1;
      row.shift = state.sum / state.batches;
    }
    for (let i = s; i < e; i++) [L[i], GC[i], GR[i]] = f(rowAt(x, i, row), o);
  };
}

const TABLE: Record<LossType, Entry> = {
  sigmoid: { row: ofLogit((u, o) => smoothed(u, o.sigmoidSmoothing)) },
  robust: {
    row: ofLogit((u, o) => {
      const e = o.labelSmoothing;
      return [((1 - e) * softplus(-u) - e * softplus(u)) / (1 - 2 * e), (-(1 - e) * sig(-u) - e * sig(u)) / (1 - 2 * e)];
    }),
  },
  hinge: { row: ofLogit((u) => [Math.max(0, 1 - u), u < 1 ? -1 : 0]) },
  ipo: {
    row: ofPerToken((m, o) => {
      const e = m - 1 / (2 * o.beta);
      return [e * e, 2 * e];
    }),
  },
  exo_pair: {
    row: ofLogit((u, o) => {
      const e = o.exoSmoothing;
      const qw = sig(u);
      const ql = sig(-u);
      // EXO Eq. 16; dL/dq = logit(q) - log(1-e) + log(e) and dq/du = q(1-q)
      return [qw * (logsig(u) - Math.log1p(-e)) + ql * (logsig(-u) - Math.log(e)), qw * ql * (u - Math.log1p(-e) + Math.log(e))];
    }),
  },
  nca_pair: {
    row: ofSides((x, y, o) => {
      const a = o.beta * x;
      const b = o.beta * y;
      return [softplus(-a) + 0.5 * softplus(a) + 0.5 * softplus(b), o.beta * (0.5 * sig(a) - sig(-a)), o.beta * 0.5 * sig(b)];
    }, inV1),
  },
  sppo_hard: {
    row: ofSides((x, y, o) => {
      const a = x - 1 / (2 * o.beta);
      const b = y + 1 / (2 * o.beta);
      return [a * a + b * b, 2 * a, 2 * b];
    }, inV1),
  },
  apo_zero: {
    row: ofSides((x, y, o) => {
      const a = o.beta * x;
      const b = o.beta * y;
      return [sig(-a) + sig(b), -o.beta * sig(a) * sig(-a), o.beta * sig(b) * sig(-b)];
    }, never),
  },
  apo_down: {
    // sigmoid(beta c) on the raw log-ratio plus 1 - sigmoid(u) on the DPO logit (scored under TRL v1)
    row: (row, o) => {
      const [l, gc, gr] = ofLogit((u) => [sig(-u), -sig(u) * sig(-u)], inV1)(row, o);
      const a = o.beta * row.c;
      return [sig(a) + l, gc + o.beta * sig(a) * sig(-a), gr];
    },
  },
  discopop: {
    row: ofLogit((u, o) => {
      // m = sigmoid(u/tau); m * exp(-u) is formed in log space so a huge exp(-u) never meets m = 0
      const logM = logsig(u / o.discopopTau);
      const log1mM = logsig(-u / o.discopopTau);
      const sp = softplus(-u);
      const mExp = Math.exp(logM - u);
      const dmdu = Math.exp(logM + log1mM) / o.discopopTau;
      return [Math.exp(log1mM) * sp + mExp, Math.exp(logM + log1mM - u) / o.discopopTau - dmdu * sp - Math.exp(log1mM) * sig(-u) - mExp];
    }, inV1),
  },
  bco_pair: {
    batch: withRunningMean(
      ofSides((x, y, o, row) => {
        const a = o.beta * x - row.shift;
        const b = o.beta * y - row.shift;
        return [softplus(-a) + softplus(b), -o.beta * sig(-a), o.beta * sig(b)];
      }, inV1),
    ),
  },
  aot: { batch: aot(true) },
  aot_unpaired: { batch: aot(false) },
  sft: { batch: sft },
  sigmoid_norm: { row: ofPerToken((m, o) => [softplus(-o.beta * m), -o.beta * sig(-o.beta * m)]) },
  rdpo: { row: rated(ofLogit((u, o, row) => smoothed(u - (o.beta / o.ratingBeta) * row.gap, 0))) },
  ripo: {
    row: rated(
      ofLogit((u, o, row) => {
        const z = u - (o.beta / o.ratingBeta) * row.gap - 0.5;
        return [z * z, 2 * z];
      }),
    ),
  },
  'ml-rdpo': {
    row: ofLogit((u, o, row) => {
      if (Number.isNaN(row.gap)) return [softplus(-u), -sig(-u)]; // no rating: the ranking term alone
      const e = row.gap - u;
      return [softplus(-u) + (e * e) / (2 * o.ratingVariance), -sig(-u) - e / o.ratingVariance];
    }),
  },
  odpo: { row: rated(ofLogit((u, o, row) => smoothed(u - o.odpoAlpha * Math.log(row.gap), 0)), true) },
};

/** Every requested loss per row, with rewards, margin and gradients; see LossesKernels.dpoLosses. */
export function dpoLosses(columns: { [K in keyof LossColumns]: Float64Array }, o: ResolvedLossOptions): LossResult {
  const { policyChosen: pc, policyRejected: pr, referenceChosen: rc, referenceRejected: rr } = columns;
  const n = pc.length;
  const c = pc.map((v, i) => v - rc[i]!);
  const r = pr.map((v, i) => v - rr[i]!);
  const x: Cols = { pc, pr, rc, rr, c, r, nw: columns.chosenLength, nl: columns.rejectedLength, gap: columns.gap };
  const res: LossResult = {
    loss: {},
    gradChosen: {},
    gradRejected: {},
    chosenReward: c.map((v) => o.beta * v),
    rejectedReward: r.map((v) => o.beta * v),
    margin: c.map((v, i) => o.beta * (v - r[i]!)),
  };
  const state = { sum: o.bcoRunningState.sum, batches: o.bcoRunningState.batches };
  const row: Row = { c: 0, r: 0, nw: 1, nl: 1, gap: NaN, shift: 0 };
  for (const type of o.losses) {
    const out: Out = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    const entry = TABLE[type];
    if ('batch' in entry) {
      for (let s = 0; s < n; s += o.batchSize) entry.batch(x, s, Math.min(n, s + o.batchSize), o, out, state);
    } else {
      for (let i = 0; i < n; i++) [out[0][i], out[1][i], out[2][i]] = entry.row(rowAt(x, i, row), o);
    }
    [res.loss[type], res.gradChosen[type], res.gradRejected[type]] = out;
  }
  if (o.losses.includes('bco_pair') && o.bcoRunningMean) res.bcoRunningState = state;
  return res;
}

// DPO-family losses, rewards and gradients from sequence log-probs. Kernels never allocate; pointers are
// 16-byte aligned; everything is f64. Log-sigmoid and softplus are always the stable forms
// (max(x,0) + log1p(exp(-|x|))), never log(sigmoid(x)). Row-local losses are a table: one small function per loss
// (value and gradient of its own input) and one line in rowLoss() that says which input it takes; all are @inline, so
// the row loop is one br_table per row with the loss bodies in place (as fast as the if/else chain it replaced).
// Batch-coupled losses (aot, aot_unpaired, sft; bco_pair's running mean) work on consecutive batches of rows.
import { Status } from "../util/status";
import { ld, ldi, st } from "../util/mem";
import { arg, argInt, argPtr, setArg } from "../util/args";
import { softplus, sigmoid, logistic, SPN, SPP, SGN, SGP } from "../util/logistic";
import { aot, aotScratchBytes, sft } from "./losses-batch";

/** Loss codes. The binding maps LOSS_TYPES names to members by name ('ml-rdpo' <-> ML_RDPO). */
export enum Loss {
  SIGMOID, ROBUST, HINGE, IPO, EXO_PAIR, NCA_PAIR, SPPO_HARD, APO_ZERO, APO_DOWN, DISCOPOP, BCO_PAIR, AOT,
  AOT_UNPAIRED, SFT, RDPO, RIPO, ML_RDPO, ODPO, SIGMOID_NORM,
}

/** f-DPO score s(u) of a log-ratio u: u (reverse KL), log sigmoid(u) (JS), -exp(-a u)/a capped (alpha, forward KL). */
export enum Score { IDENTITY, LOG_SIGMOID, ALPHA }

/**
 * Slots of dpoLossesF64's argument block. Columns are pointers to n f64 (CHOSEN_LENGTH, REJECTED_LENGTH and GAP may
 * be 0 = absent); TYPES holds TYPE_COUNT i32 loss codes; outputs are TYPE_COUNT * n (loss-major) or n f64.
 * BCO_SUM and BCO_BATCHES (bco_pair's running sum of batch mean rewards and batch count) are read as the state
 * carried in and, when bco_pair runs with the running mean, overwritten with the state after the last batch.
 */
export enum DpoLossesArg {
  POLICY_CHOSEN, POLICY_REJECTED, REFERENCE_CHOSEN, REFERENCE_REJECTED, CHOSEN_LENGTH, REJECTED_LENGTH, GAP, ROWS,
  TYPES, TYPE_COUNT,
  BETA, LABEL_SMOOTHING, SIGMOID_SMOOTHING, EXO_SMOOTHING, SCORE, SCORE_ALPHA, SCORE_CAP, SCORE_ALL, NORMALIZE_SCORES,
  DISCOPOP_TAU, BATCH_SIZE, BCO_RUNNING_MEAN, RATING_BETA, RATING_VARIANCE, ODPO_ALPHA,
  BCO_SUM, BCO_BATCHES,
  LOSS, GRAD_CHOSEN, GRAD_REJECTED, CHOSEN_REWARD, REJECTED_REWARD, MARGIN, SCRATCH,
  SLOTS,
}

/** Bytes of scratch (the SCRATCH slot) dpoLossesF64 needs for n rows in batches of `batch`. */
export function dpoLossesScratchBytes(n: i32, batch: i32): i32 {
  return aotScratchBytes(n, batch);
}

// The options of the running call (set once per call; kernel-internal, not the ABI).
let beta: f64 = 0;
let sigmoidEps: f64 = 0;
let robustEps: f64 = 0;
let exoEps: f64 = 0;
let scoreKind: i32 = 0;
let scoreAlpha: f64 = 1;
let scoreCap: f64 = 0;
let scoreAll = false;
let normalizeScores = false;
let tau: f64 = 0;
let ratingBeta: f64 = 1;
let ratingVar: f64 = 1;
let odpoAlpha: f64 = 1;

// The optional columns of the running call (0 = absent), read only by the losses that use them.
let nwCol: usize = 0;
let nlCol: usize = 0;
let gapCol: usize = 0;

// Registers: the row (index, log-ratios); the input helpers' derivatives IC = d input / dc, IR = d input / dr
// (for the two-sided losses dX/dc and dY/dr); the loss outputs L, GC = dL/dc, GR = dL/dr.
let I: i32 = 0;
let C: f64 = 0;
let R: f64 = 0;
let X: f64 = 0;
let Y: f64 = 0;
let IC: f64 = 0;
let IR: f64 = 0;
let DS: f64 = 0;
let L: f64 = 0;
let GC: f64 = 0;
let GR: f64 = 0;

/**
 * f-DPO score of a log-ratio; ds/du goes to DS (0 where the cap is active, as autograd through a clamp gives).
 * The alpha exponent is capped (TRL v0.28's cap_exp at 88.7228, v1's clamp at 80), so scores stay finite and
 * huge log-ratios give the limit values under every f-divergence (forward KL is alpha with a = 1).
 */
// @ts-ignore: decorator
@inline function score(u: f64): f64 {
  if (scoreKind == Score.LOG_SIGMOID) {
    DS = sigmoid(-u);
    return -softplus(-u);
  }
  if (scoreKind == Score.ALPHA) {
    const t = -scoreAlpha * u;
    if (t > scoreCap) {
      DS = 0;
      return -Math.exp(scoreCap) / scoreAlpha;
    }
    const e = Math.exp(t);
    DS = e;
    return -e / scoreAlpha;
  }
  DS = 1;
  return u;
}

// ---- inputs: each sets IC and IR ----

/** The DPO logit beta * (s(c) - s(r)) (raw log-ratios unless `scored`). */
// @ts-ignore: decorator
@inline function logit(scored: bool): f64 {
  if (!scored || scoreKind == Score.IDENTITY) {
    IC = beta;
    IR = -beta;
    return beta * (C - R);
  }
  const sc = score(C);
  IC = beta * DS;
  const sr = score(R);
  IR = -beta * DS;
  return beta * (sc - sr);
}

/**
 * The length-normalised logit scale * (s(c/n_w) - s(r/n_l)) (TRL v0.28: per-token log-ratios, then the score), or
 * scale * (s(c)/n_w - s(r)/n_l) with normalizeScores (TRL v1); counts clamped to >= 1.
 */
// @ts-ignore: decorator
@inline function perToken(scale: f64): f64 {
  const nw = nwCol != 0 ? max(ld(nwCol, I), 1.0) : 1.0;
  const nl = nlCol != 0 ? max(ld(nlCol, I), 1.0) : 1.0;
  const sc = normalizeScores ? score(C) / nw : score(C / nw);
  IC = scale * DS / nw;
  const sr = normalizeScores ? score(R) / nl : score(R / nl);
  IR = -scale * DS / nl;
  return scale * (sc - sr);
}

/** X = s(c) and Y = s(r) for the two-sided losses (raw unless `scored`): IC = dX/dc, IR = dY/dr. */
// @ts-ignore: decorator
@inline function sides(scored: bool): void {
  if (!scored || scoreKind == Score.IDENTITY) {
    X = C;
    Y = R;
    IC = 1;
    IR = 1;
    return;
  }
  X = score(C);
  IC = DS;
  Y = score(R);
  IR = DS;
}

// @ts-ignore: decorator
@inline function grad(g: f64): void {
  GC = g * IC;
  GR = g * IR;
}

// @ts-ignore: decorator
@inline function grad2(gx: f64, gy: f64): void {
  GC = gx * IC;
  GR = gy * IR;
}

// ---- the losses: value and gradient of their own input ----

/** (1-eps) softplus(-u) + eps softplus(u): DPO (eps 0), conservative DPO, aot's per-position loss. */
// @ts-ignore: decorator
@inline function smoothed(u: f64, eps: f64): void {
  logistic(u);
  L = (1 - eps) * SPN + (eps > 0 ? eps * SPP : 0);
  grad(-(1 - eps) * SGN + eps * SGP);
}

// @ts-ignore: decorator
@inline function robust(u: f64): void {
  logistic(u);
  const e = robustEps;
  L = ((1 - e) * SPN - (e > 0 ? e * SPP : 0)) / (1 - 2 * e);
  grad((-(1 - e) * SGN - e * SGP) / (1 - 2 * e));
}

// @ts-ignore: decorator
@inline function hinge(u: f64): void {
  L = u < 1 ? 1 - u : 0;
  grad(u < 1 ? -1.0 : 0.0);
}

/** EXO (Eq. 16): q (log q - log(1-e)) + (1-q) (log(1-q) - log e), q = sigmoid(u); dL/dq = logit(q) - log(1-e) + log e. */
// @ts-ignore: decorator
@inline function exo(u: f64): void {
  logistic(u);
  const k = Math.log(exoEps) - Math.log1p(-exoEps);
  L = SGP * (-SPN - Math.log1p(-exoEps)) + (SGN > 0 ? SGN * (-SPP - Math.log(exoEps)) : 0);
  grad(SGP * SGN > 0 ? SGP * SGN * (u + k) : 0);
}

/** DiscoPOP: (1 - m) softplus(-u) + m e^-u, m = sigmoid(u/tau); m e^-u and dm/du formed in log space. */
// @ts-ignore: decorator
@inline function discopop(u: f64): void {
  const lm = -softplus(-u / tau); // log m
  const l1m = -softplus(u / tau); // log (1 - m)
  const sp = softplus(-u);
  const mExp = Math.exp(lm - u);
  L = Math.exp(l1m) * sp + mExp;
  const dm = Math.exp(lm + l1m) / tau;
  grad(Math.exp(lm + l1m - u) / tau - dm * sp - Math.exp(l1m) * sigmoid(-u) - mExp);
}

/** IPO (Eq. 17): (m - 1/(2 beta))^2 of the length-normalised logit m. */
// @ts-ignore: decorator
@inline function ipo(m: f64): void {
  const e = m - 1 / (2 * beta);
  L = e * e;
  grad(2 * e);
}

/** NCA: softplus(-beta x) + softplus(beta x)/2 + softplus(beta y)/2. */
// @ts-ignore: decorator
@inline function nca(x: f64, y: f64): void {
  logistic(beta * x);
  L = SPN + 0.5 * SPP;
  const gx = beta * (0.5 * SGP - SGN);
  logistic(beta * y);
  L += 0.5 * SPP;
  grad2(gx, beta * 0.5 * SGP);
}

/** BCO: softplus(-(beta x - shift)) + softplus(beta y - shift). */
// @ts-ignore: decorator
@inline function bco(x: f64, y: f64, shift: f64): void {
  logistic(beta * x - shift);
  L = SPN;
  const gx = -beta * SGN;
  logistic(beta * y - shift);
  L += SPP;
  grad2(gx, beta * SGP);
}

/** SPPO (hard labels): (x - 1/(2 beta))^2 + (y + 1/(2 beta))^2. */
// @ts-ignore: decorator
@inline function sppo(x: f64, y: f64): void {
  const a = x - 0.5 / beta;
  const b = y + 0.5 / beta;
  L = a * a + b * b;
  grad2(2 * a, 2 * b);
}

/** APO-zero (Eq. 7): sigmoid(-beta x) + sigmoid(beta y). */
// @ts-ignore: decorator
@inline function apoZero(x: f64, y: f64): void {
  logistic(beta * x);
  L = SGN;
  const gx = -beta * SGP * SGN;
  logistic(beta * y);
  L += SGP;
  grad2(gx, beta * SGP * SGN);
}

/** APO-down (Eq. 8): sigmoid(beta c) + sigmoid(-u) with u the DPO logit (scored as the other two-sided losses). */
// @ts-ignore: decorator
@inline function apoDown(): void {
  logistic(logit(scoreAll));
  const l2 = SGN;
  const g2 = -SGP * SGN;
  logistic(beta * C);
  L = SGP + l2;
  GC = g2 * IC + beta * SGP * SGN;
  GR = g2 * IR;
}

/** RDPO: softplus(-(u - (beta/beta1) gap)). RIPO: (u - (beta/beta1) gap - 1/2)^2. */
// @ts-ignore: decorator
@inline function rdpo(u: f64, gap: f64, squared: bool): void {
  const z = u - (beta / ratingBeta) * gap;
  if (squared) {
    L = (z - 0.5) * (z - 0.5);
    grad(2 * (z - 0.5));
    return;
  }
  smoothed(z, 0);
}

/** ML-RDPO: softplus(-u) + (gap - u)^2 / (2 V); a row without a rating (NaN gap) keeps the ranking term. */
// @ts-ignore: decorator
@inline function mlRdpo(u: f64, gap: f64): void {
  logistic(u);
  L = SPN;
  let g = -SGN;
  if (gap == gap) {
    const e = gap - u;
    L += e * e / (2 * ratingVar);
    g -= e / ratingVar;
  }
  grad(g);
}

/** A row the loss cannot use (a rating loss without a usable gap): NaN everywhere. */
// @ts-ignore: decorator
@inline function invalid(): void {
  L = NaN;
  GC = NaN;
  GR = NaN;
}

/** The rating gap of the running row (NaN: none, or no gap column). */
// @ts-ignore: decorator
@inline function gapOf(): f64 {
  return gapCol != 0 ? ld(gapCol, I) : NaN;
}

/** One row of a row-local loss from C, R (and row I's counts and gap): sets L, GC, GR. False for an unknown code. */
// @ts-ignore: decorator
@inline function rowLoss(code: i32, shift: f64): bool {
  switch (code) {
    case Loss.SIGMOID: smoothed(logit(true), sigmoidEps); break;
    case Loss.ROBUST: robust(logit(true)); break;
    case Loss.HINGE: hinge(logit(true)); break;
    case Loss.EXO_PAIR: exo(logit(true)); break;
    case Loss.DISCOPOP: discopop(logit(scoreAll)); break;
    case Loss.IPO: ipo(perToken(1)); break;
    case Loss.SIGMOID_NORM: smoothed(perToken(beta), 0); break;
    case Loss.NCA_PAIR: sides(scoreAll); nca(X, Y); break;
    case Loss.BCO_PAIR: sides(scoreAll); bco(X, Y, shift); break;
    case Loss.SPPO_HARD: sides(scoreAll); sppo(X, Y); break;
    case Loss.APO_ZERO: sides(false); apoZero(X, Y); break;
    case Loss.APO_DOWN: apoDown(); break;
    case Loss.RDPO: { const gap = gapOf(); if (gap == gap) rdpo(logit(true), gap, false); else invalid(); break; }
    case Loss.RIPO: { const gap = gapOf(); if (gap == gap) rdpo(logit(true), gap, true); else invalid(); break; }
    case Loss.ODPO: { const gap = gapOf(); if (gap > 0) smoothed(logit(true) - odpoAlpha * Math.log(gap), 0); else invalid(); break; }
    case Loss.ML_RDPO: mlRdpo(logit(true), gapOf()); break;
    default: return false;
  }
  return true;
}

/**
 * Rewards and margin: chosenReward = beta*c, rejectedReward = beta*r, margin = beta*(c - r), with
 * c = pc - rc, r = pr - rr (reverse-KL log-ratios, as TRL logs them for every loss type).
 */
function rewards(pc: usize, pr: usize, rc: usize, rr: usize, n: i32, cw: usize, rw: usize, mg: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const b = f64x2.splat(beta);
    const end = n & ~1;
    for (; i < end; i += 2) {
      const o = <usize>i << 3;
      const c = f64x2.sub(v128.load(pc + o), v128.load(rc + o));
      const r = f64x2.sub(v128.load(pr + o), v128.load(rr + o));
      v128.store(cw + o, f64x2.mul(b, c));
      v128.store(rw + o, f64x2.mul(b, r));
      v128.store(mg + o, f64x2.mul(b, f64x2.sub(c, r)));
    }
  }
  for (; i < n; i++) {
    const c = ld(pc, i) - ld(rc, i);
    const r = ld(pr, i) - ld(rr, i);
    st(cw, i, beta * c);
    st(rw, i, beta * r);
    st(mg, i, beta * (c - r));
  }
}

/**
 * Every requested loss over n rows (loss-major outputs), plus rewards and margin; see DpoLossesArg. For
 * batch-coupled losses the gradient is that of the batch's summed loss with respect to the row's log-ratios.
 * Rows a loss cannot use (rdpo, ripo without a rating gap; odpo with a gap <= 0 or none) get NaN for that loss.
 * Returns E_INVALID for a negative count, a batch size < 1 or an unknown loss code.
 */
export function dpoLossesF64(args: usize): i32 {
  const pc = argPtr(args, DpoLossesArg.POLICY_CHOSEN);
  const pr = argPtr(args, DpoLossesArg.POLICY_REJECTED);
  const rc = argPtr(args, DpoLossesArg.REFERENCE_CHOSEN);
  const rr = argPtr(args, DpoLossesArg.REFERENCE_REJECTED);
  nwCol = argPtr(args, DpoLossesArg.CHOSEN_LENGTH);
  nlCol = argPtr(args, DpoLossesArg.REJECTED_LENGTH);
  gapCol = argPtr(args, DpoLossesArg.GAP);
  const n = argInt(args, DpoLossesArg.ROWS);
  const types = argPtr(args, DpoLossesArg.TYPES);
  const k = argInt(args, DpoLossesArg.TYPE_COUNT);
  const batch = argInt(args, DpoLossesArg.BATCH_SIZE);
  const bcoRunning = arg(args, DpoLossesArg.BCO_RUNNING_MEAN) != 0;
  if (n < 0 || k < 0 || batch < 1) return Status.E_INVALID;
  beta = arg(args, DpoLossesArg.BETA);
  robustEps = arg(args, DpoLossesArg.LABEL_SMOOTHING);
  sigmoidEps = arg(args, DpoLossesArg.SIGMOID_SMOOTHING);
  exoEps = arg(args, DpoLossesArg.EXO_SMOOTHING);
  scoreKind = argInt(args, DpoLossesArg.SCORE);
  scoreAlpha = arg(args, DpoLossesArg.SCORE_ALPHA);
  scoreCap = arg(args, DpoLossesArg.SCORE_CAP);
  scoreAll = arg(args, DpoLossesArg.SCORE_ALL) != 0;
  normalizeScores = arg(args, DpoLossesArg.NORMALIZE_SCORES) != 0;
  tau = arg(args, DpoLossesArg.DISCOPOP_TAU);
  ratingBeta = arg(args, DpoLossesArg.RATING_BETA);
  ratingVar = arg(args, DpoLossesArg.RATING_VARIANCE);
  odpoAlpha = arg(args, DpoLossesArg.ODPO_ALPHA);
  const lossOut = argPtr(args, DpoLossesArg.LOSS);
  const gradCOut = argPtr(args, DpoLossesArg.GRAD_CHOSEN);
  const gradROut = argPtr(args, DpoLossesArg.GRAD_REJECTED);
  const scratch = argPtr(args, DpoLossesArg.SCRATCH);

  rewards(pc, pr, rc, rr, n, argPtr(args, DpoLossesArg.CHOSEN_REWARD), argPtr(args, DpoLossesArg.REJECTED_REWARD), argPtr(args, DpoLossesArg.MARGIN));

  for (let t = 0; t < k; t++) {
    const code = ldi(types, t);
    const lo = lossOut + (<usize>t * <usize>n << 3);
    const gc = gradCOut + (<usize>t * <usize>n << 3);
    const gr = gradROut + (<usize>t * <usize>n << 3);
    if (code == Loss.AOT || code == Loss.AOT_UNPAIRED) {
      aot(code == Loss.AOT, pc, pr, rc, rr, n, beta, robustEps, batch, lo, gc, gr, scratch);
      continue;
    }
    if (code == Loss.SFT) {
      sft(pc, nwCol, n, batch, lo, gc, gr);
      continue;
    }
    // bco_pair's running mean of batch mean rewards (TRL v0.28's RunningMoments fed one scalar a batch), carried in
    const running = code == Loss.BCO_PAIR && bcoRunning;
    let runSum = arg(args, DpoLossesArg.BCO_SUM);
    let runCount = arg(args, DpoLossesArg.BCO_BATCHES);
    let shift: f64 = 0;
    for (let i = 0; i < n; i++) {
      if (running && i % batch == 0) {
        const end = i + batch < n ? i + batch : n;
        let m: f64 = 0;
        for (let j = i; j < end; j++) m += beta * (ld(pc, j) - ld(rc, j)) + beta * (ld(pr, j) - ld(rr, j));
        runSum += m / <f64>(2 * (end - i));
        runCount += 1;
        shift = runSum / runCount;
      }
      I = i;
      C = ld(pc, i) - ld(rc, i);
      R = ld(pr, i) - ld(rr, i);
      if (!rowLoss(code, shift)) return Status.E_INVALID;
      st(lo, i, L);
      st(gc, i, GC);
      st(gr, i, GR);
    }
    if (running) {
      setArg(args, DpoLossesArg.BCO_SUM, runSum);
      setArg(args, DpoLossesArg.BCO_BATCHES, runCount);
    }
  }
  return Status.S_OK;
}

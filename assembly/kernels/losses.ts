// DPO-family losses, rewards and gradients from sequence log-probs. Kernels never allocate; pointers are
// 16-byte aligned; everything is f64. Log-sigmoid and softplus are always the stable forms
// (max(x,0) + log1p(exp(-|x|))), never log(sigmoid(x)). Batch-coupled losses (bco_pair's running mean, aot,
// aot_unpaired, sft) work on consecutive batches of `batchSize` rows, in scalar code with JS-provided scratch.
import { E_INVALID, S_OK } from "../util/status";
import { ld, st, softplus, sigmoid, logistic, SPN, SPP, SGN, SGP } from "../util/logistic";
import { aot, sft } from "./losses-batch";

// Loss codes: the index in LOSS_TYPES (src/kernels/losses.ts); keep both in step.
const L_SIGMOID: i32 = 0;
const L_ROBUST: i32 = 1;
const L_HINGE: i32 = 2;
const L_IPO: i32 = 3;
const L_EXO: i32 = 4;
const L_NCA: i32 = 5;
const L_SPPO: i32 = 6;
const L_APO_ZERO: i32 = 7;
const L_APO_DOWN: i32 = 8;
const L_DISCOPOP: i32 = 9;
const L_BCO: i32 = 10;
const L_AOT: i32 = 11;
const L_AOT_UNPAIRED: i32 = 12;
const L_SFT: i32 = 13;
const L_RDPO: i32 = 14;
const L_RIPO: i32 = 15;
const L_MLRDPO: i32 = 16;
const L_ODPO: i32 = 17;

// f-divergence codes
const F_REVERSE: i32 = 0;
const F_FORWARD: i32 = 1;
const F_JS: i32 = 2;
const F_ALPHA: i32 = 3;

// params layout (f64): keep in step with the binding in src/kernels/losses.ts.
const P_BETA = 0;
const P_EPS = 1;
const P_FDIV = 2;
const P_FALPHA = 3;
const P_TAU = 4;
const P_BATCH = 5;
const P_BCO_RUNNING = 6;
const P_RATING_BETA = 7;
const P_RATING_VAR = 8;
const P_ODPO_ALPHA = 9;
// bco_pair running state (in/out): sum of earlier batch mean rewards and their count; updated in place.
const P_BCO_SUM = 10;
const P_BCO_COUNT = 11;

/** TRL v0.28's cap_exp caps the alpha-divergence exponent at log(max float32) = 88.7228 (floored to 4 decimals). */
const ALPHA_CAP: f64 = 88.7228;

/**
 * f-DPO score s(u) of a log-ratio u; the DPO logit is s(c) - s(r). TRL v0.28: js_divergence log sigmoid(u),
 * alpha_divergence (coefficient a) -exp(-a u)/a with the exponent capped; forward_kl (TRL v1.x) -exp(-u).
 */
function score(u: f64, kind: i32, alpha: f64): f64 {
  if (kind == F_FORWARD) return -Math.exp(-u);
  if (kind == F_JS) return -softplus(-u);
  if (kind == F_ALPHA && Math.abs(alpha) >= 1e-6) {
    const t = -alpha * u;
    return -Math.exp(t > ALPHA_CAP ? ALPHA_CAP : t) / alpha;
  }
  return u;
}

/** ds/du (0 where the cap is active, as autograd through a clamp gives). */
function scoreDeriv(u: f64, kind: i32, alpha: f64): f64 {
  if (kind == F_FORWARD) return Math.exp(-u);
  if (kind == F_JS) return sigmoid(-u);
  if (kind == F_ALPHA && Math.abs(alpha) >= 1e-6) {
    const t = -alpha * u;
    return t > ALPHA_CAP ? 0.0 : Math.exp(t);
  }
  return 1.0;
}

/**
 * Rewards and margin: chosenReward = beta*c, rejectedReward = beta*r, margin = beta*(c - r), with
 * c = pc - rc, r = pr - rr (reverse-KL log-ratios, as TRL logs them for every loss type).
 */
function rewards(pc: usize, pr: usize, rc: usize, rr: usize, n: i32, beta: f64, cw: usize, rw: usize, mg: usize): void {
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
 * One pass per requested loss over n rows. Inputs: policy/reference chosen/rejected sequence log-probs
 * (pc, pr, rc, rr), optional token counts (nw, nl; 0 = absent: counts of 1) and rating gaps (gap; 0 = absent;
 * NaN = this row has no rating). `types` holds k i32 loss codes, `params` the f64 options; params[10..11]
 * (bco_pair's running sum of batch mean rewards and batch count) are read as the state carried in and, when
 * bco_pair runs with the running mean, overwritten with the state after the last batch.
 * Outputs (row-major by loss, k*n each): loss, gradC = d/d chosen log-ratio, gradR = d/d rejected log-ratio;
 * for batch-coupled losses the gradient is that of the batch's summed loss with respect to the row's log-ratios.
 * Plus chosenReward, rejectedReward and margin (n each).
 * Scratch: 3*min(batchSize, n) f64 followed by 2*min(batchSize, n) i32 (16-byte aligned).
 */
export function dpoLossesF64(
  pc: usize, pr: usize, rc: usize, rr: usize,
  nw: usize, nl: usize, gap: usize,
  n: i32, types: usize, k: i32, params: usize,
  lossOut: usize, gradCOut: usize, gradROut: usize,
  chosenRewardOut: usize, rejectedRewardOut: usize, marginOut: usize,
  scratch: usize,
): i32 {
  if (n < 0 || k < 0) return E_INVALID;
  const beta = ld(params, P_BETA);
  const eps = ld(params, P_EPS);
  const fdiv = <i32>ld(params, P_FDIV);
  const falpha = ld(params, P_FALPHA);
  const tau = ld(params, P_TAU);
  const batch = <i32>ld(params, P_BATCH);
  const bcoRunning = ld(params, P_BCO_RUNNING) != 0;
  const ratingBeta = ld(params, P_RATING_BETA);
  const ratingVar = ld(params, P_RATING_VAR);
  const odpoAlpha = ld(params, P_ODPO_ALPHA);
  if (batch < 1) return E_INVALID;

  rewards(pc, pr, rc, rr, n, beta, chosenRewardOut, rejectedRewardOut, marginOut);

  for (let t = 0; t < k; t++) {
    const code = load<i32>(types + (<usize>t << 2));
    const lo = lossOut + (<usize>t * <usize>n << 3);
    const gc = gradCOut + (<usize>t * <usize>n << 3);
    const gr = gradROut + (<usize>t * <usize>n << 3);
    if (code == L_AOT || code == L_AOT_UNPAIRED) {
      aot(code == L_AOT, pc, pr, rc, rr, n, beta, eps, batch, lo, gc, gr, scratch);
      continue;
    }
    if (code == L_SFT) {
      sft(pc, nw, n, batch, lo, gc, gr);
      continue;
    }
    if (code < 0 || code > L_ODPO) return E_INVALID;
    // bco_pair running mean of batch reward means (TRL RunningMoments fed one scalar a batch), carried in
    let runSum: f64 = ld(params, P_BCO_SUM);
    let runCount: f64 = ld(params, P_BCO_COUNT);
    let shift: f64 = 0;
    for (let i = 0; i < n; i++) {
      if (code == L_BCO && bcoRunning && i % batch == 0) {
        const end = i + batch < n ? i + batch : n;
        let m: f64 = 0;
        for (let j = i; j < end; j++) m += beta * (ld(pc, j) - ld(rc, j)) + beta * (ld(pr, j) - ld(rr, j));
        runSum += m / <f64>(2 * (end - i));
        runCount += 1;
        shift = runSum / runCount;
      }
      const c = ld(pc, i) - ld(rc, i);
      const r = ld(pr, i) - ld(rr, i);
      // The f-divergence changes the DPO logit of the logit-based losses only (TRL v0.28's `logits`);
      // nca_pair, bco_pair, sppo_hard, apo_*, discopop use the raw log-ratios (raw = true below).
      const fd = fdiv != F_REVERSE;
      const sc = fd ? score(c, fdiv, falpha) : c;
      const sr = fd ? score(r, fdiv, falpha) : r;
      const dsc = fd ? scoreDeriv(c, fdiv, falpha) : 1.0;
      const dsr = fd ? scoreDeriv(r, fdiv, falpha) : 1.0;
      const u = beta * (sc - sr);
      const u0 = beta * (c - r);
      let L: f64 = 0;
      let gC: f64 = 0; // d loss / d s(c), or d/dc where raw
      let gR: f64 = 0;
      let raw = false;
      if (code == L_SIGMOID) {
        logistic(u);
        L = (1 - eps) * SPN + eps * SPP;
        const g = beta * (-(1 - eps) * SGN + eps * SGP);
        gC = g; gR = -g;
      } else if (code == L_ROBUST) {
        logistic(u);
        L = ((1 - eps) * SPN - eps * SPP) / (1 - 2 * eps);
        const g = beta * (-(1 - eps) * SGN - eps * SGP) / (1 - 2 * eps);
        gC = g; gR = -g;
      } else if (code == L_HINGE) {
        L = 1 - u > 0 ? 1 - u : 0;
        const g = u < 1 ? -beta : 0.0;
        gC = g; gR = -g;
      } else if (code == L_IPO) {
        // TRL v0.28 averages the log-probs per token for ipo, so the f-divergence sees per-token ratios
        const lw = nw != 0 ? max(ld(nw, i), 1.0) : 1.0;
        const ll = nl != 0 ? max(ld(nl, i), 1.0) : 1.0;
        const e = score(c / lw, fdiv, falpha) - score(r / ll, fdiv, falpha) - 1 / (2 * beta);
        L = e * e;
        gC = 2 * e * scoreDeriv(c / lw, fdiv, falpha) / lw;
        gR = -2 * e * scoreDeriv(r / ll, fdiv, falpha) / ll;
        raw = true;
      } else if (code == L_EXO) {
        const ee = eps == 0 ? 1e-3 : eps;
        logistic(u);
        const q = SGP;
        const p = SGN;
        L = q * (-SPN - Math.log1p(-ee)) + p * (-SPP - Math.log(ee));
        const g = beta * q * p * (u - Math.log1p(-ee) + Math.log(ee));
        gC = g; gR = -g;
      } else if (code == L_NCA) {
        logistic(beta * c);
        L = SPN + 0.5 * SPP;
        gC = beta * (-SGN + 0.5 * SGP);
        logistic(beta * r);
        L += 0.5 * SPP;
        gR = beta * 0.5 * SGP;
        raw = true;
      } else if (code == L_BCO) {
        logistic(beta * c - shift);
        L = SPN;
        gC = -beta * SGN;
        logistic(beta * r - shift);
        L += SPP;
        gR = beta * SGP;
        raw = true;
      } else if (code == L_SPPO) {
        const a = c - 0.5 / beta;
        const b = r + 0.5 / beta;
        L = a * a + b * b;
        gC = 2 * a; gR = 2 * b;
        raw = true;
      } else if (code == L_APO_ZERO) {
        logistic(beta * c);
        L = SGN;
        gC = -beta * SGP * SGN;
        logistic(beta * r);
        L += SGP;
        gR = beta * SGP * SGN;
        raw = true;
      } else if (code == L_APO_DOWN) {
        logistic(u0);
        L = SGN;
        const g = -beta * SGP * SGN;
        logistic(beta * c);
        L += SGP;
        gC = beta * SGP * SGN + g;
        gR = -g;
        raw = true;
      } else if (code == L_DISCOPOP) {
        const v = u0 / tau;
        const lm = -softplus(-v); // log m
        const l1m = -softplus(v); // log (1 - m)
        const sp = softplus(-u0);
        const mExp = Math.exp(lm - u0); // m * exp(-u) without inf * 0
        L = Math.exp(l1m) * sp + mExp;
        const dm = Math.exp(lm + l1m) / tau; // dm/du
        const dmExp = Math.exp(lm + l1m - u0) / tau; // dm/du * exp(-u)
        const g = beta * (dmExp - dm * sp - Math.exp(l1m) * sigmoid(-u0) - mExp);
        gC = g; gR = -g;
        raw = true;
      } else if (code == L_RDPO || code == L_ODPO || code == L_RIPO) {
        const h = gap != 0 ? ld(gap, i) : NaN;
        if (h != h) {
          L = NaN; gC = NaN; gR = NaN;
        } else {
          const z = code == L_ODPO ? u - odpoAlpha * Math.log(h) : u - (beta / ratingBeta) * h;
          let g: f64;
          if (code == L_RIPO) {
            L = (z - 0.5) * (z - 0.5);
            g = beta * 2 * (z - 0.5);
          } else {
            logistic(z);
            L = SPN;
            g = -beta * SGN;
          }
          gC = g; gR = -g;
        }
      } else if (code == L_MLRDPO) {
        logistic(u);
        L = SPN;
        let g = -beta * SGN;
        const h = gap != 0 ? ld(gap, i) : NaN;
        if (h == h) {
          const e = h - u;
          L += e * e / (2 * ratingVar);
          g -= beta * e / ratingVar;
        }
        gC = g; gR = -g;
      }
      st(lo, i, L);
      st(gc, i, raw ? gC : gC * dsc);
      st(gr, i, raw ? gR : gR * dsr);
    }
    if (code == L_BCO && bcoRunning) {
      st(params, P_BCO_SUM, runSum);
      st(params, P_BCO_COUNT, runCount);
    }
  }
  return S_OK;
}

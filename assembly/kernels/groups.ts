// Per-group statistics over CSR offsets (group g = values [off[g], off[g+1])): stats, position picks, z-scores.
// Kernels never allocate; all arithmetic is f64. Non-finite values are counted and skipped by groupStats and
// never picked by pickPositions. Indices written out are local to the group (0-based), -1 for "none".
// groupStats and pickPositions take argument blocks (util/args.ts): their slots are the exported enums below.
import { Status } from "../util/status";
import { ld, ldi, st, sti } from "../util/mem";
import { arg, argInt, argPtr } from "../util/args";

/** Slots of groupStatsF64's argument block: inputs, then one output column per statistic (length groups). */
export enum GroupStatsArg { VALUES, OFFSETS, GROUPS, DDOF, COUNT, MEAN, STD, MIN, MAX, ARGMIN, ARGMAX, NON_FINITE, SLOTS }

/** Slots of pickPositionsF64's argument block. */
export enum PickPositionsArg { VALUES, OFFSETS, GROUPS, MEAN, STD, KINDS, KS, POSITIONS, CHOSEN, EXCLUDE, OUT, SLOTS }

/** Position kinds of pickPositions: nearest to mu + k sigma, the maximum, the minimum. */
export enum PositionKind { SIGMA, MAX, MIN }

/**
 * The power-of-two exponent p that brings the largest magnitude of [mn, mx] near 1 when it lies outside
 * [2^-400, 2^400] (else 0): scaling by 2^p is exact, and afterwards squared deviations can neither overflow
 * (values near max double) nor underflow (spreads of 1e-170, subnormals). |p| <= 1000, so 2^p and 2^-p are normal.
 */
function scaleExponent(mn: f64, mx: f64): i32 {
  const big = max(Math.abs(mn), Math.abs(mx));
  if (big == 0) return 0;
  const e = <i32>((reinterpret<u64>(big) >> 52) & 0x7ff) - 1023; // -1023 for subnormals
  if (e >= -400 && e <= 400) return 0;
  return e > 1000 ? -1000 : e < -1000 ? 1000 : -e;
}

// @ts-ignore: decorator
@inline function pow2(p: i32): f64 {
  return reinterpret<f64>(<u64>(1023 + p) << 52);
}

/**
 * Per group: count of finite values, mean, std (sqrt(ss / (count - ddof)); NaN when count - ddof <= 0),
 * min, max, argmin, argmax (first occurrence) and the count of NaN/Inf values. A group without finite values
 * gets NaN mean/std/min/max and -1 argmin/argmax. Values of any finite magnitude are handled: the second pass runs
 * at an exact power-of-two scale when the largest magnitude is extreme (see scaleExponent). Arguments: the block
 * at `args` (GroupStatsArg). Returns a status code.
 */
export function groupStatsF64(args: usize): i32 {
  return groupStats(
    argPtr(args, GroupStatsArg.VALUES), argPtr(args, GroupStatsArg.OFFSETS),
    argInt(args, GroupStatsArg.GROUPS), argInt(args, GroupStatsArg.DDOF),
    argPtr(args, GroupStatsArg.COUNT), argPtr(args, GroupStatsArg.NON_FINITE),
    argPtr(args, GroupStatsArg.MEAN), argPtr(args, GroupStatsArg.STD),
    argPtr(args, GroupStatsArg.MIN), argPtr(args, GroupStatsArg.MAX),
    argPtr(args, GroupStatsArg.ARGMIN), argPtr(args, GroupStatsArg.ARGMAX),
  );
}

// The block is unpacked into parameters once: with the output columns read from the block per group (8 f64 loads
// and conversions) or held in locals, the kernel measured 6-18% slower than with parameters (65,536 values, groups of 56).
// @ts-ignore: decorator
@noinline function groupStats(
  xPtr: usize, offPtr: usize, groups: i32, ddof: i32, countPtr: usize, nonFinitePtr: usize,
  meanPtr: usize, stdPtr: usize, minPtr: usize, maxPtr: usize, argminPtr: usize, argmaxPtr: usize,
): i32 {
  for (let g = 0; g < groups; g++) {
    const a = ldi(offPtr, g);
    const b = ldi(offPtr, g + 1);
    if (b < a || a < 0) return Status.E_INVALID;
    let i = a;
    let cnt = 0;
    let sum: f64 = 0;
    let mn: f64 = Infinity;
    let mx: f64 = -Infinity;
    let imn = -1;
    let imx = -1;
    if (ASC_FEATURE_SIMD) {
      const zero = f64x2.splat(0);
      const pinf = f64x2.splat(Infinity);
      const ninf = f64x2.splat(-Infinity);
      let accv = zero;
      let cntv = i64x2.splat(0);
      let mnv = pinf;
      let mxv = ninf;
      let imnv = i64x2.splat(-1);
      let imxv = i64x2.splat(-1);
      let idx = i64x2.replace_lane(i64x2.splat(a), 1, <i64>a + 1);
      const two = i64x2.splat(2);
      const end = a + ((b - a) & ~1);
      for (; i < end; i += 2) {
        const x = v128.load(xPtr + (<usize>i << 3));
        // finite lanes: x - x == 0 (NaN for NaN and Inf)
        const f = f64x2.eq(f64x2.sub(x, x), zero);
        accv = f64x2.add(accv, v128.and(x, f));
        cntv = i64x2.sub(cntv, f);
        const xl = v128.bitselect(x, pinf, f);
        const xh = v128.bitselect(x, ninf, f);
        const lt = f64x2.lt(xl, mnv);
        const gt = f64x2.gt(xh, mxv);
        mnv = v128.bitselect(xl, mnv, lt);
        imnv = v128.bitselect(idx, imnv, lt);
        mxv = v128.bitselect(xh, mxv, gt);
        imxv = v128.bitselect(idx, imxv, gt);
        idx = i64x2.add(idx, two);
      }
      sum = f64x2.extract_lane(accv, 0) + f64x2.extract_lane(accv, 1);
      cnt = <i32>(i64x2.extract_lane(cntv, 0) + i64x2.extract_lane(cntv, 1));
      // combine the two lanes: lower value wins, ties go to the lower index; -1 means the lane saw nothing
      for (let l = 0; l < 2; l++) {
        const v = l == 0 ? f64x2.extract_lane(mnv, 0) : f64x2.extract_lane(mnv, 1);
        const j = <i32>(l == 0 ? i64x2.extract_lane(imnv, 0) : i64x2.extract_lane(imnv, 1));
        if (j >= 0 && (imn < 0 || v < mn || (v == mn && j < imn))) { mn = v; imn = j; }
        const w = l == 0 ? f64x2.extract_lane(mxv, 0) : f64x2.extract_lane(mxv, 1);
        const k = <i32>(l == 0 ? i64x2.extract_lane(imxv, 0) : i64x2.extract_lane(imxv, 1));
        if (k >= 0 && (imx < 0 || w > mx || (w == mx && k < imx))) { mx = w; imx = k; }
      }
    }
    for (; i < b; i++) {
      const v = ld(xPtr, i);
      if (v - v != 0) continue;
      sum += v;
      cnt++;
      if (imn < 0 || v < mn) { mn = v; imn = i; }
      if (imx < 0 || v > mx) { mx = v; imx = i; }
    }
    if (cnt == 0) {
      sti(countPtr, g, 0); sti(nonFinitePtr, g, b - a);
      st(meanPtr, g, NaN); st(stdPtr, g, NaN); st(minPtr, g, NaN); st(maxPtr, g, NaN);
      sti(argminPtr, g, -1); sti(argmaxPtr, g, -1);
      continue;
    }
    // mean and squared deviations of the values times sc = 2^p (p = 0 unless the magnitudes are extreme)
    const p = scaleExponent(mn, mx);
    const sc = pow2(p);
    if (p != 0) {
      sum = 0; // may have overflowed (values near max double); scaled, it cannot
      for (let j = a; j < b; j++) {
        const v = ld(xPtr, j);
        if (v - v == 0) sum += v * sc;
      }
    }
    const mean = sum / <f64>cnt;
    let ss: f64 = 0;
    i = a;
    if (ASC_FEATURE_SIMD) {
      const zero = f64x2.splat(0);
      const mv = f64x2.splat(mean);
      const sv = f64x2.splat(sc);
      let acc = zero;
      const end = a + ((b - a) & ~1);
      for (; i < end; i += 2) {
        const x = v128.load(xPtr + (<usize>i << 3));
        const f = f64x2.eq(f64x2.sub(x, x), zero);
        const d = f64x2.sub(f64x2.mul(x, sv), mv);
        acc = f64x2.add(acc, v128.and(f64x2.mul(d, d), f));
      }
      ss = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    }
    for (; i < b; i++) {
      const v = ld(xPtr, i);
      if (v - v != 0) continue;
      const d = v * sc - mean;
      ss += d * d;
    }
    const den = cnt - ddof;
    const inv = pow2(-p);
    sti(countPtr, g, cnt); sti(nonFinitePtr, g, b - a - cnt);
    st(meanPtr, g, mean * inv); st(stdPtr, g, den > 0 ? Math.sqrt(ss / <f64>den) * inv : NaN);
    st(minPtr, g, mn); st(maxPtr, g, mx);
    sti(argminPtr, g, imn - a); sti(argmaxPtr, g, imx - a);
  }
  return Status.S_OK;
}

// Primary key of a candidate: distance to the target, -x for max, x for min. Lower is better.
@inline function key1(x: f64, kind: i32, t: f64): f64 {
  return kind == PositionKind.SIGMA ? Math.abs(x - t) : kind == PositionKind.MAX ? -x : x;
}

@inline function key1v(x: v128, kind: i32, t: v128): v128 {
  return kind == PositionKind.SIGMA ? f64x2.abs(f64x2.sub(x, t)) : kind == PositionKind.MAX ? f64x2.neg(x) : x;
}

// Scans group [a, b) for the best candidate of one position; returns its absolute index or -1.
// Order: lower key1, then lower key2 (= x for a rejected slot, -x for a chosen slot), then lower index.
function pickOne(xPtr: usize, a: i32, b: i32, kind: i32, t: f64, sgn: f64, excl: i32): i32 {
  let i = a;
  let bk: f64 = Infinity;
  let bs: f64 = Infinity;
  let bi = -1;
  if (ASC_FEATURE_SIMD) {
    const zero = f64x2.splat(0);
    const nan = f64x2.splat(NaN);
    const tv = f64x2.splat(t);
    const sv = f64x2.splat(sgn);
    const ev = i64x2.splat(excl);
    const none = i64x2.splat(-1);
    let bkv = f64x2.splat(Infinity);
    let bsv = f64x2.splat(Infinity);
    let biv = none;
    let idx = i64x2.replace_lane(i64x2.splat(a), 1, <i64>a + 1);
    const two = i64x2.splat(2);
    const end = a + ((b - a) & ~1);
    for (; i < end; i += 2) {
      const x = v128.load(xPtr + (<usize>i << 3));
      const ok = v128.andnot(f64x2.eq(f64x2.sub(x, x), zero), i64x2.eq(idx, ev));
      const k = v128.bitselect(key1v(x, kind, tv), nan, ok);
      const s = f64x2.mul(x, sv);
      // NaN keys (non-finite or excluded candidates) compare false everywhere and are never taken
      const better = v128.or(
        v128.or(f64x2.lt(k, bkv), v128.and(f64x2.eq(k, bkv), f64x2.lt(s, bsv))),
        v128.and(i64x2.eq(biv, none), f64x2.eq(k, k)),
      );
      bkv = v128.bitselect(k, bkv, better);
      bsv = v128.bitselect(s, bsv, better);
      biv = v128.bitselect(idx, biv, better);
      idx = i64x2.add(idx, two);
    }
    for (let l = 0; l < 2; l++) {
      const j = <i32>(l == 0 ? i64x2.extract_lane(biv, 0) : i64x2.extract_lane(biv, 1));
      if (j < 0) continue;
      const k = l == 0 ? f64x2.extract_lane(bkv, 0) : f64x2.extract_lane(bkv, 1);
      const s = l == 0 ? f64x2.extract_lane(bsv, 0) : f64x2.extract_lane(bsv, 1);
      if (bi < 0 || k < bk || (k == bk && (s < bs || (s == bs && j < bi)))) { bk = k; bs = s; bi = j; }
    }
  }
  for (; i < b; i++) {
    const x = ld(xPtr, i);
    if (x - x != 0 || i == excl) continue;
    const k = key1(x, kind, t);
    if (k != k) continue;
    const s = x * sgn;
    if (bi < 0 || k < bk || (k == bk && s < bs)) { bk = k; bs = s; bi = i; }
  }
  return bi;
}

/**
 * For each group g and position p: out[g * nPos + p] = the local index of the finite candidate nearest to the
 * position's target (mu_g + k_p * sigma_g, or the max / min), -1 when there is none. A non-finite sigma is
 * taken as 0; a non-finite mu gives -1. `chosen` != 0 breaks value ties towards the higher value (else the
 * lower); then the lower index wins. EXCLUDE (0 = none) holds one local index per group that is skipped; KINDS holds a
 * PositionKind and KS the k of each position. Arguments: the block at `args` (PickPositionsArg). Returns a status code.
 */
export function pickPositionsF64(args: usize): i32 {
  const xPtr = argPtr(args, PickPositionsArg.VALUES);
  const offPtr = argPtr(args, PickPositionsArg.OFFSETS);
  const groups = argInt(args, PickPositionsArg.GROUPS);
  const meanPtr = argPtr(args, PickPositionsArg.MEAN);
  const stdPtr = argPtr(args, PickPositionsArg.STD);
  const kindsPtr = argPtr(args, PickPositionsArg.KINDS);
  const ksPtr = argPtr(args, PickPositionsArg.KS);
  const nPos = argInt(args, PickPositionsArg.POSITIONS);
  const sgn: f64 = arg(args, PickPositionsArg.CHOSEN) != 0 ? -1.0 : 1.0;
  const excludePtr = argPtr(args, PickPositionsArg.EXCLUDE);
  const outPtr = argPtr(args, PickPositionsArg.OUT);
  for (let g = 0; g < groups; g++) {
    const a = ldi(offPtr, g);
    const b = ldi(offPtr, g + 1);
    if (b < a || a < 0) return Status.E_INVALID;
    const mu = ld(meanPtr, g);
    let sd = ld(stdPtr, g);
    if (!isFinite(sd)) sd = 0;
    let excl = -1;
    if (excludePtr != 0) {
      const e = ldi(excludePtr, g);
      if (e >= 0) excl = a + e;
    }
    for (let p = 0; p < nPos; p++) {
      const kind = ldi(kindsPtr, p);
      let r = -1;
      if (kind == PositionKind.SIGMA) {
        const k = ld(ksPtr, p);
        const t = k == 0 ? mu : mu + k * sd;
        if (isFinite(t)) r = pickOne(xPtr, a, b, kind, t, sgn, excl);
      } else {
        r = pickOne(xPtr, a, b, kind, 0, sgn, excl);
      }
      sti(outPtr, g * nPos + p, r < 0 ? -1 : r - a);
    }
  }
  return Status.S_OK;
}

/** out[i] = (x[i] - mean_g) / std_g for every element of group g (IEEE: sigma = 0 gives NaN or +-Inf). */
export function zscoresF64(xPtr: usize, offPtr: usize, groups: i32, meanPtr: usize, stdPtr: usize, outPtr: usize): i32 {
  for (let g = 0; g < groups; g++) {
    const a = ldi(offPtr, g);
    const b = ldi(offPtr, g + 1);
    if (b < a || a < 0) return Status.E_INVALID;
    const mu = ld(meanPtr, g);
    const sd = ld(stdPtr, g);
    let i = a;
    if (ASC_FEATURE_SIMD) {
      const mv = f64x2.splat(mu);
      const sv = f64x2.splat(sd);
      const end = a + ((b - a) & ~1);
      for (; i < end; i += 2) {
        const o = <usize>i << 3;
        v128.store(outPtr + o, f64x2.div(f64x2.sub(v128.load(xPtr + o), mv), sv));
      }
    }
    for (; i < b; i++) {
      st(outPtr, i, (ld(xPtr, i) - mu) / sd);
    }
  }
  return Status.S_OK;
}

// Per-sequence reductions of token log-probs over CSR offsets (sequence g = tokens [off[g], off[g+1])).
// Kernels never allocate; f32 tokens are widened to f64 before any arithmetic; accumulation is f64.
// A mask pointer of 0 means "no mask"; with a mask, token i counts when mask[i] != 0 (masked tokens are
// ignored even when they hold NaN, e.g. padding). Non-finite counted tokens propagate (IEEE) into their
// sequence's value, so a NaN token never yields a finite-looking result. `mean` divides by the number of
// counted tokens clamped to >= 1 (TRL's convention), so an empty sequence gives 0 for both reductions.
import { E_INVALID, S_OK } from "../util/status";

// Sum of tokens [a, b) of an f32 column (optionally minus a second column), widened, under an optional mask.
// The count of masked-in tokens goes to the global below (a kernel-internal register, not part of the ABI).
let counted: i32 = 0;

@inline function maskLanes4(maskPtr: usize, i: i32): v128 {
  // 4 mask bytes -> 4 i32 lanes of all-ones where the byte is non-zero
  const m = v128.load32_zero(maskPtr + <usize>i);
  const w = i16x8.extend_low_i8x16_u(m);
  const d = i32x4.extend_low_i16x8_u(w);
  return v128.not(i32x4.eq(d, i32x4.splat(0)));
}

// Widened f32 lanes 0-1 and 2-3 of v as two f64x2.
@inline function lo32(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}
@inline function hi32(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
}

function rangeSumF32(xPtr: usize, yPtr: usize, maskPtr: usize, a: i32, b: i32): f64 {
  let i = a;
  let total: f64 = 0;
  let cnt = 0;
  if (ASC_FEATURE_SIMD) {
    let acc0 = f64x2.splat(0);
    let acc1 = f64x2.splat(0);
    if (maskPtr == 0) {
      // 8 tokens per step into 4 accumulators: the f64 add latency, not the loads, bounds a 2-accumulator loop
      let acc2 = f64x2.splat(0);
      let acc3 = f64x2.splat(0);
      const end8 = a + ((b - a) & ~7);
      if (yPtr != 0) {
        for (; i < end8; i += 8) {
          // two f32 per 8-byte load, widened straight from memory (V8 folds this into one cvtps2pd)
          const xp = xPtr + (<usize>i << 2);
          const yp = yPtr + (<usize>i << 2);
          acc0 = f64x2.add(acc0, f64x2.sub(f64x2.promote_low_f32x4(v128.load64_zero(xp)), f64x2.promote_low_f32x4(v128.load64_zero(yp))));
          acc1 = f64x2.add(acc1, f64x2.sub(f64x2.promote_low_f32x4(v128.load64_zero(xp, 8)), f64x2.promote_low_f32x4(v128.load64_zero(yp, 8))));
          acc2 = f64x2.add(acc2, f64x2.sub(f64x2.promote_low_f32x4(v128.load64_zero(xp, 16)), f64x2.promote_low_f32x4(v128.load64_zero(yp, 16))));
          acc3 = f64x2.add(acc3, f64x2.sub(f64x2.promote_low_f32x4(v128.load64_zero(xp, 24)), f64x2.promote_low_f32x4(v128.load64_zero(yp, 24))));
        }
      } else {
        for (; i < end8; i += 8) {
          const xp = xPtr + (<usize>i << 2);
          acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(v128.load64_zero(xp)));
          acc1 = f64x2.add(acc1, f64x2.promote_low_f32x4(v128.load64_zero(xp, 8)));
          acc2 = f64x2.add(acc2, f64x2.promote_low_f32x4(v128.load64_zero(xp, 16)));
          acc3 = f64x2.add(acc3, f64x2.promote_low_f32x4(v128.load64_zero(xp, 24)));
        }
      }
      acc0 = f64x2.add(f64x2.add(acc0, acc2), f64x2.add(acc1, acc3));
      total = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
      cnt = i - a;
    } else {
      let cntv = i32x4.splat(0);
      const end = a + ((b - a) & ~3);
      for (; i < end; i += 4) {
        const p = <usize>i << 2;
        const x = v128.load(xPtr + p);
        let lo = lo32(x);
        let hi = hi32(x);
        if (yPtr != 0) {
          const y = v128.load(yPtr + p);
          lo = f64x2.sub(lo, lo32(y));
          hi = f64x2.sub(hi, hi32(y));
        }
        const m = maskLanes4(maskPtr, i);
        // widen the 4 i32 lane masks to 2 x 2 i64 lane masks; masked lanes become +0 even when they hold NaN
        lo = v128.and(lo, i64x2.extend_low_i32x4_s(m));
        hi = v128.and(hi, i64x2.extend_high_i32x4_s(m));
        cntv = i32x4.sub(cntv, m);
        acc0 = f64x2.add(acc0, lo);
        acc1 = f64x2.add(acc1, hi);
      }
      acc0 = f64x2.add(acc0, acc1);
      total = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
      cnt = i32x4.extract_lane(cntv, 0) + i32x4.extract_lane(cntv, 1) + i32x4.extract_lane(cntv, 2) + i32x4.extract_lane(cntv, 3);
    }
  }
  for (; i < b; i++) {
    if (maskPtr != 0 && load<u8>(maskPtr + <usize>i) == 0) continue;
    let v = <f64>load<f32>(xPtr + (<usize>i << 2));
    if (yPtr != 0) v -= <f64>load<f32>(yPtr + (<usize>i << 2));
    total += v;
    cnt++;
  }
  counted = cnt;
  return total;
}

function rangeSumF64(xPtr: usize, yPtr: usize, maskPtr: usize, a: i32, b: i32): f64 {
  let i = a;
  let total: f64 = 0;
  let cnt = 0;
  if (ASC_FEATURE_SIMD) {
    let acc0 = f64x2.splat(0);
    let acc1 = f64x2.splat(0);
    let cntv = i32x4.splat(0);
    const end = a + ((b - a) & ~3);
    for (; i < end; i += 4) {
      const p = <usize>i << 3;
      let lo = v128.load(xPtr + p);
      let hi = v128.load(xPtr + p, 16);
      if (yPtr != 0) {
        lo = f64x2.sub(lo, v128.load(yPtr + p));
        hi = f64x2.sub(hi, v128.load(yPtr + p, 16));
      }
      if (maskPtr != 0) {
        const m = maskLanes4(maskPtr, i);
        lo = v128.and(lo, i64x2.extend_low_i32x4_s(m));
        hi = v128.and(hi, i64x2.extend_high_i32x4_s(m));
        cntv = i32x4.sub(cntv, m);
      }
      acc0 = f64x2.add(acc0, lo);
      acc1 = f64x2.add(acc1, hi);
    }
    acc0 = f64x2.add(acc0, acc1);
    total = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
    if (maskPtr != 0) {
      cnt = i32x4.extract_lane(cntv, 0) + i32x4.extract_lane(cntv, 1) + i32x4.extract_lane(cntv, 2) + i32x4.extract_lane(cntv, 3);
    } else {
      cnt = end - a;
    }
  }
  for (; i < b; i++) {
    if (maskPtr != 0 && load<u8>(maskPtr + <usize>i) == 0) continue;
    let v = load<f64>(xPtr + (<usize>i << 3));
    if (yPtr != 0) v -= load<f64>(yPtr + (<usize>i << 3));
    total += v;
    cnt++;
  }
  counted = cnt;
  return total;
}

function perSequence(isF32: bool, xPtr: usize, yPtr: usize, offPtr: usize, groups: i32, maskPtr: usize, mean: i32, scale: f64, outPtr: usize): i32 {
  for (let g = 0; g < groups; g++) {
    const a = load<i32>(offPtr + (<usize>g << 2));
    const b = load<i32>(offPtr + (<usize>(g + 1) << 2));
    if (b < a || a < 0) return E_INVALID;
    let s = isF32 ? rangeSumF32(xPtr, yPtr, maskPtr, a, b) : rangeSumF64(xPtr, yPtr, maskPtr, a, b);
    if (mean != 0) s = s / <f64>(counted > 1 ? counted : 1);
    store<f64>(outPtr + (<usize>g << 3), scale * s);
  }
  return S_OK;
}

/** out[g] = sum (or mean) of the f32 token log-probs of sequence g, in f64. Returns a status code. */
export function sequenceLogpsF32(xPtr: usize, offPtr: usize, groups: i32, maskPtr: usize, mean: i32, outPtr: usize): i32 {
  return perSequence(true, xPtr, 0, offPtr, groups, maskPtr, mean, 1.0, outPtr);
}

/** As sequenceLogpsF32 for f64 token log-probs. */
export function sequenceLogpsF64(xPtr: usize, offPtr: usize, groups: i32, maskPtr: usize, mean: i32, outPtr: usize): i32 {
  return perSequence(false, xPtr, 0, offPtr, groups, maskPtr, mean, 1.0, outPtr);
}

/**
 * out[g] = beta * sum_t (policy_t - reference_t) over sequence g (or the per-token mean with mean != 0), in one
 * fused pass over both f32 columns; each difference is taken after widening to f64.
 */
export function implicitRewardsF32(pPtr: usize, rPtr: usize, offPtr: usize, groups: i32, maskPtr: usize, mean: i32, beta: f64, outPtr: usize): i32 {
  return perSequence(true, pPtr, rPtr, offPtr, groups, maskPtr, mean, beta, outPtr);
}

/** As implicitRewardsF32 for f64 token columns. */
export function implicitRewardsF64(pPtr: usize, rPtr: usize, offPtr: usize, groups: i32, maskPtr: usize, mean: i32, beta: f64, outPtr: usize): i32 {
  return perSequence(false, pPtr, rPtr, offPtr, groups, maskPtr, mean, beta, outPtr);
}

/** out[i] = beta * (p[i] - r[i]) for per-sequence (already summed) f32 log-probs, widened to f64 first. */
export function sequenceRewardsF32(pPtr: usize, rPtr: usize, n: i32, beta: f64, outPtr: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const bv = f64x2.splat(beta);
    const end = n & ~3;
    for (; i < end; i += 4) {
      const p = v128.load(pPtr + (<usize>i << 2));
      const r = v128.load(rPtr + (<usize>i << 2));
      const lo = f64x2.sub(f64x2.promote_low_f32x4(p), f64x2.promote_low_f32x4(r));
      const hi = f64x2.sub(
        f64x2.promote_low_f32x4(i32x4.shuffle(p, p, 2, 3, 0, 1)),
        f64x2.promote_low_f32x4(i32x4.shuffle(r, r, 2, 3, 0, 1)),
      );
      v128.store(outPtr + (<usize>i << 3), f64x2.mul(bv, lo));
      v128.store(outPtr + (<usize>i << 3), f64x2.mul(bv, hi), 16);
    }
  }
  for (; i < n; i++) {
    const d = <f64>load<f32>(pPtr + (<usize>i << 2)) - <f64>load<f32>(rPtr + (<usize>i << 2));
    store<f64>(outPtr + (<usize>i << 3), beta * d);
  }
}

/** As sequenceRewardsF32 for f64 inputs. */
export function sequenceRewardsF64(pPtr: usize, rPtr: usize, n: i32, beta: f64, outPtr: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const bv = f64x2.splat(beta);
    const end = n & ~1;
    for (; i < end; i += 2) {
      const o = <usize>i << 3;
      v128.store(outPtr + o, f64x2.mul(bv, f64x2.sub(v128.load(pPtr + o), v128.load(rPtr + o))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(outPtr + o, beta * (load<f64>(pPtr + o) - load<f64>(rPtr + o)));
  }
}

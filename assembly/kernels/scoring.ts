// Per-sequence reductions of token log-probs over CSR offsets (sequence g = tokens [off[g], off[g+1])), generic over
// the token type T (f32 or f64). Kernels never allocate; f32 tokens are widened to f64 before any arithmetic;
// accumulation is f64. A mask pointer of 0 means "no mask"; with a mask, token i counts when mask[i] != 0 (masked
// tokens are ignored even when they hold NaN, e.g. padding). Non-finite counted tokens propagate (IEEE) into their
// sequence's value, so a NaN token never yields a finite-looking result. `mean` divides by the number of counted
// tokens clamped to >= 1 (TRL's convention), so an empty sequence gives 0 for both reductions.
import { Status } from "../util/status";
import { ldi, ldw, ldw2, st } from "../util/mem";

// The count of tokens rangeSum counted (a kernel-internal register, not part of the ABI).
let counted: i32 = 0;

/** 4 mask bytes -> 4 i32 lanes, all-ones where the byte is non-zero. */
// @ts-ignore: decorator
@inline function maskLanes4(maskPtr: usize, i: i32): v128 {
  const m = v128.load32_zero(maskPtr + <usize>i);
  const d = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(m));
  return v128.not(i32x4.eq(d, i32x4.splat(0)));
}

/** Sum of x[a, b) (minus y[a, b) when yPtr != 0) under an optional mask, in f64; the count goes to `counted`. */
function rangeSum<T>(xPtr: usize, yPtr: usize, maskPtr: usize, a: i32, b: i32): f64 {
  let i = a;
  let total: f64 = 0;
  let cnt = 0;
  if (ASC_FEATURE_SIMD) {
    let acc0 = f64x2.splat(0);
    let acc1 = f64x2.splat(0);
    let acc2 = f64x2.splat(0);
    let acc3 = f64x2.splat(0);
    if (maskPtr == 0) {
      // 8 tokens per step into 4 accumulators: the f64 add latency, not the loads, bounds a 2-accumulator loop
      const end = a + ((b - a) & ~7);
      if (yPtr != 0) {
        for (; i < end; i += 8) {
          acc0 = f64x2.add(acc0, f64x2.sub(ldw2<T>(xPtr, i), ldw2<T>(yPtr, i)));
          acc1 = f64x2.add(acc1, f64x2.sub(ldw2<T>(xPtr, i + 2), ldw2<T>(yPtr, i + 2)));
          acc2 = f64x2.add(acc2, f64x2.sub(ldw2<T>(xPtr, i + 4), ldw2<T>(yPtr, i + 4)));
          acc3 = f64x2.add(acc3, f64x2.sub(ldw2<T>(xPtr, i + 6), ldw2<T>(yPtr, i + 6)));
        }
      } else {
        for (; i < end; i += 8) {
          acc0 = f64x2.add(acc0, ldw2<T>(xPtr, i));
          acc1 = f64x2.add(acc1, ldw2<T>(xPtr, i + 2));
          acc2 = f64x2.add(acc2, ldw2<T>(xPtr, i + 4));
          acc3 = f64x2.add(acc3, ldw2<T>(xPtr, i + 6));
        }
      }
      cnt = i - a;
    } else {
      let cntv = i32x4.splat(0);
      const end = a + ((b - a) & ~3);
      for (; i < end; i += 4) {
        let lo = ldw2<T>(xPtr, i);
        let hi = ldw2<T>(xPtr, i + 2);
        if (yPtr != 0) {
          lo = f64x2.sub(lo, ldw2<T>(yPtr, i));
          hi = f64x2.sub(hi, ldw2<T>(yPtr, i + 2));
        }
        // the 4 i32 lane masks widened to 2 x 2 i64 lane masks; masked lanes become +0 even when they hold NaN
        const m = maskLanes4(maskPtr, i);
        acc0 = f64x2.add(acc0, v128.and(lo, i64x2.extend_low_i32x4_s(m)));
        acc1 = f64x2.add(acc1, v128.and(hi, i64x2.extend_high_i32x4_s(m)));
        cntv = i32x4.sub(cntv, m);
      }
      cnt = i32x4.extract_lane(cntv, 0) + i32x4.extract_lane(cntv, 1) + i32x4.extract_lane(cntv, 2) + i32x4.extract_lane(cntv, 3);
    }
    acc0 = f64x2.add(f64x2.add(acc0, acc2), f64x2.add(acc1, acc3));
    total = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
  }
  for (; i < b; i++) {
    if (maskPtr != 0 && load<u8>(maskPtr + <usize>i) == 0) continue;
    let v = ldw<T>(xPtr, i);
    if (yPtr != 0) v -= ldw<T>(yPtr, i);
    total += v;
    cnt++;
  }
  counted = cnt;
  return total;
}

/** out[g] = scale * (sum or mean of sequence g); E_INVALID for offsets that are negative or decreasing. */
function perSequence<T>(xPtr: usize, yPtr: usize, offPtr: usize, groups: i32, maskPtr: usize, mean: i32, scale: f64, outPtr: usize): i32 {
  for (let g = 0; g < groups; g++) {
    const a = ldi(offPtr, g);
    const b = ldi(offPtr, g + 1);
    if (b < a || a < 0) return Status.E_INVALID;
    let s = rangeSum<T>(xPtr, yPtr, maskPtr, a, b);
    if (mean != 0) s = s / <f64>(counted > 1 ? counted : 1);
    st(outPtr, g, scale * s);
  }
  return Status.S_OK;
}

/** out[g] = sum (or mean) of the f32 token log-probs of sequence g, in f64. Returns a status code. */
export function sequenceLogpsF32(xPtr: usize, offPtr: usize, groups: i32, maskPtr: usize, mean: i32, outPtr: usize): i32 {
  return perSequence<f32>(xPtr, 0, offPtr, groups, maskPtr, mean, 1.0, outPtr);
}

/** sequenceLogps for f64 token log-probs. */
export function sequenceLogpsF64(xPtr: usize, offPtr: usize, groups: i32, maskPtr: usize, mean: i32, outPtr: usize): i32 {
  return perSequence<f64>(xPtr, 0, offPtr, groups, maskPtr, mean, 1.0, outPtr);
}

/**
 * out[g] = beta * sum_t (policy_t - reference_t) over sequence g (or the per-token mean with mean != 0), in one
 * fused pass over both f32 columns; each difference is taken after widening to f64. Returns a status code.
 */
export function implicitRewardsF32(pPtr: usize, rPtr: usize, offPtr: usize, groups: i32, maskPtr: usize, mean: i32, beta: f64, outPtr: usize): i32 {
  return perSequence<f32>(pPtr, rPtr, offPtr, groups, maskPtr, mean, beta, outPtr);
}

/** implicitRewards for f64 token columns. */
export function implicitRewardsF64(pPtr: usize, rPtr: usize, offPtr: usize, groups: i32, maskPtr: usize, mean: i32, beta: f64, outPtr: usize): i32 {
  return perSequence<f64>(pPtr, rPtr, offPtr, groups, maskPtr, mean, beta, outPtr);
}

/** out[i] = beta * (p[i] - r[i]) for per-sequence (already summed) log-probs of type T, widened to f64 first. */
function sequenceRewards<T>(pPtr: usize, rPtr: usize, n: i32, beta: f64, outPtr: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const bv = f64x2.splat(beta);
    const end = n & ~1;
    for (; i < end; i += 2) {
      v128.store(outPtr + (<usize>i << 3), f64x2.mul(bv, f64x2.sub(ldw2<T>(pPtr, i), ldw2<T>(rPtr, i))));
    }
  }
  for (; i < n; i++) st(outPtr, i, beta * (ldw<T>(pPtr, i) - ldw<T>(rPtr, i)));
}

/** sequenceRewards for f32 inputs. */
export function sequenceRewardsF32(pPtr: usize, rPtr: usize, n: i32, beta: f64, outPtr: usize): void {
  sequenceRewards<f32>(pPtr, rPtr, n, beta, outPtr);
}

/** sequenceRewards for f64 inputs. */
export function sequenceRewardsF64(pPtr: usize, rPtr: usize, n: i32, beta: f64, outPtr: usize): void {
  sequenceRewards<f64>(pPtr, rPtr, n, beta, outPtr);
}

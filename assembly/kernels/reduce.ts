// Column reductions. Kernels never allocate; pointers are 16-byte aligned; accumulation is f64 (f32 elements are
// widened first). Non-finite elements are left out of the sum and counted, so the caller can decide what they mean.
import { ldw, ldw2 } from "../util/mem";

/** Sum of the finite elements of a T column (f32 or f64); the count of NaN/Inf elements goes to `nonFinitePtr`. */
function sum<T>(xPtr: usize, n: i32, nonFinitePtr: usize): f64 {
  let i = 0;
  let bad = 0;
  let total: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let acc0 = f64x2.splat(0);
    let acc1 = f64x2.splat(0);
    let finite = i64x2.splat(0);
    const zero = f64x2.splat(0);
    const end = n & ~3;
    for (; i < end; i += 4) {
      const a = ldw2<T>(xPtr, i);
      const b = ldw2<T>(xPtr, i + 2);
      // x - x is 0 for finite x and NaN for NaN/Inf, so eq(x - x, 0) is all-ones exactly for finite lanes
      const fa = f64x2.eq(f64x2.sub(a, a), zero);
      const fb = f64x2.eq(f64x2.sub(b, b), zero);
      acc0 = f64x2.add(acc0, v128.and(a, fa));
      acc1 = f64x2.add(acc1, v128.and(b, fb));
      // a finite lane is -1 in the mask: count finite lanes negatively
      finite = i64x2.add(finite, i64x2.add(fa, fb));
    }
    acc0 = f64x2.add(acc0, acc1);
    total = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
    bad = end + <i32>(i64x2.extract_lane(finite, 0) + i64x2.extract_lane(finite, 1));
  }
  for (; i < n; i++) {
    const v = ldw<T>(xPtr, i);
    if (v - v == 0) total += v;
    else bad++;
  }
  store<i32>(nonFinitePtr, bad);
  return total;
}

/** sum for an f32 column (each element widened to f64 before it is added). Returns the sum. */
export function sumF32(xPtr: usize, n: i32, nonFinitePtr: usize): f64 {
  return sum<f32>(xPtr, n, nonFinitePtr);
}

/** sum for an f64 column. Returns the sum. */
export function sumF64(xPtr: usize, n: i32, nonFinitePtr: usize): f64 {
  return sum<f64>(xPtr, n, nonFinitePtr);
}

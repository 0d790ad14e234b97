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
    const end = n & ~3;
    if (sizeof<T>() == 4) {
      // 4 f32 lanes per load: the finite test runs in f32, the two halves are widened and added in f64
      let finite = i32x4.splat(0);
      const zero = f32x4.splat(0);
      for (; i < end; i += 4) {
        const v = v128.load(xPtr + (<usize>i << 2));
        // x - x is 0 for finite x and NaN for NaN/Inf, so eq(x - x, 0) is all-ones exactly for finite lanes
        const f = f32x4.eq(f32x4.sub(v, v), zero);
        const m = v128.and(v, f);
        acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(m));
        acc1 = f64x2.add(acc1, f64x2.promote_low_f32x4(i32x4.shuffle(m, m, 2, 3, 0, 1)));
        finite = i32x4.add(finite, f); // a finite lane is -1 in the mask: finite lanes are counted negatively
      }
      bad = end + i32x4.extract_lane(finite, 0) + i32x4.extract_lane(finite, 1) + i32x4.extract_lane(finite, 2) + i32x4.extract_lane(finite, 3);
    } else {
      let finite = i64x2.splat(0);
      const zero = f64x2.splat(0);
      for (; i < end; i += 4) {
        const a = ldw2<T>(xPtr, i);
        const b = ldw2<T>(xPtr, i + 2);
        const fa = f64x2.eq(f64x2.sub(a, a), zero);
        const fb = f64x2.eq(f64x2.sub(b, b), zero);
        acc0 = f64x2.add(acc0, v128.and(a, fa));
        acc1 = f64x2.add(acc1, v128.and(b, fb));
        finite = i64x2.add(finite, i64x2.add(fa, fb));
      }
      bad = end + <i32>(i64x2.extract_lane(finite, 0) + i64x2.extract_lane(finite, 1));
    }
    acc0 = f64x2.add(acc0, acc1);
    total = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
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

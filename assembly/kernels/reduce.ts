// Column reductions. Kernels never allocate; pointers are 16-byte aligned; accumulation is f64.
// Non-finite elements are left out of the sum and counted, so the caller can decide what they mean.

/**
 * Sum of the finite elements of an f64 column; the count of NaN/Inf elements goes to `nonFinitePtr` (i32).
 * Returns the sum.
 */
export function sumF64(xPtr: usize, n: i32, nonFinitePtr: usize): f64 {
  let i = 0;
  let bad = 0;
  let total: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let acc0 = f64x2.splat(0);
    let acc1 = f64x2.splat(0);
    let badv = i64x2.splat(0);
    const zero = f64x2.splat(0);
    const end = n & ~3;
    for (; i < end; i += 4) {
      const p = xPtr + (<usize>i << 3);
      const a = v128.load(p);
      const b = v128.load(p, 16);
      // x - x is 0 for finite x and NaN for NaN/Inf, so eq(x - x, 0) is all-ones exactly for finite lanes.
      const fa = f64x2.eq(f64x2.sub(a, a), zero);
      const fb = f64x2.eq(f64x2.sub(b, b), zero);
      acc0 = f64x2.add(acc0, v128.and(a, fa));
      acc1 = f64x2.add(acc1, v128.and(b, fb));
      // a finite lane is -1 in the mask; count finite lanes negatively and convert below
      badv = i64x2.add(badv, i64x2.add(fa, fb));
    }
    acc0 = f64x2.add(acc0, acc1);
    total = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
    const finiteLanes = -(i64x2.extract_lane(badv, 0) + i64x2.extract_lane(badv, 1));
    bad = end - <i32>finiteLanes;
  }
  for (; i < n; i++) {
    const v = load<f64>(xPtr + (<usize>i << 3));
    if (v - v == 0) total += v;
    else bad++;
  }
  store<i32>(nonFinitePtr, bad);
  return total;
}

/** As sumF64 for an f32 column; every element is widened to f64 before it is added. */
export function sumF32(xPtr: usize, n: i32, nonFinitePtr: usize): f64 {
  let i = 0;
  let bad = 0;
  let total: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let acc0 = f64x2.splat(0);
    let acc1 = f64x2.splat(0);
    let finite = i32x4.splat(0);
    const zero = f32x4.splat(0);
    const end = n & ~3;
    for (; i < end; i += 4) {
      const v = v128.load(xPtr + (<usize>i << 2));
      const f = f32x4.eq(f32x4.sub(v, v), zero);
      const m = v128.and(v, f);
      acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(m));
      acc1 = f64x2.add(acc1, f64x2.promote_low_f32x4(i32x4.shuffle(m, m, 2, 3, 0, 1)));
      finite = i32x4.add(finite, f);
    }
    acc0 = f64x2.add(acc0, acc1);
    total = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
    const fin = -(i32x4.extract_lane(finite, 0) + i32x4.extract_lane(finite, 1) +
      i32x4.extract_lane(finite, 2) + i32x4.extract_lane(finite, 3));
    bad = end - fin;
  }
  for (; i < n; i++) {
    const v = <f64>load<f32>(xPtr + (<usize>i << 2));
    if (v - v == 0) total += v;
    else bad++;
  }
  store<i32>(nonFinitePtr, bad);
  return total;
}

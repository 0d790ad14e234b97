// Element access by pointer and index, shared by the kernels (inlined: no call cost). The generic loads take the
// column's element type T (f32 or f64, as the AssemblyScript std does with sizeof<T>()) and widen to f64.

/** The f64 at element i of the array at p. */
// @ts-ignore: decorator
@inline export function ld(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

/** Stores v at element i of the f64 array at p. */
// @ts-ignore: decorator
@inline export function st(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

/** Address of element i of the f64 array at p. */
// @ts-ignore: decorator
@inline export function at(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

/** Element i of a T column (f32 or f64), widened to f64. */
// @ts-ignore: decorator
@inline export function ldw<T>(p: usize, i: i32): f64 {
  return <f64>load<T>(p + (<usize>i << alignof<T>()));
}

/** Elements i and i + 1 of a T column as one f64x2 (f32 is widened straight from memory: one cvtps2pd in V8). */
// @ts-ignore: decorator
@inline export function ldw2<T>(p: usize, i: i32): v128 {
  if (sizeof<T>() == 4) return f64x2.promote_low_f32x4(v128.load64_zero(p + (<usize>i << 2)));
  return v128.load(p + (<usize>i << 3));
}

/** The i32 at element i of the array at p. */
// @ts-ignore: decorator
@inline export function ldi(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

/** Stores v at element i of the i32 array at p. */
// @ts-ignore: decorator
@inline export function sti(p: usize, i: i32, v: i32): void {
  store<i32>(p + (<usize>i << 2), v);
}

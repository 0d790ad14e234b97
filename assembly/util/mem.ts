// f64 element access by pointer and index, shared by the kernels (inlined: no call cost).

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

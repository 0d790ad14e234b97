// Argument blocks: a kernel with many arguments takes one pointer to 8-byte slots that JS fills by name. Each such
// kernel exports an enum of its slots (e.g. `DpoLossesArg.BETA`, ending in `SLOTS`, the count), so the layout is
// defined here once and the binding writes and checks it by name (src/wasm/abi.ts). Every slot holds an f64:
// pointers, counts and codes are exact in f64. Kernels run one at a time, so one static area serves them all.

/** Capacity of the argument area in slots; the binding checks every block fits. */
export const ARGS_SLOTS: i32 = 64;

const AREA: usize = memory.data(ARGS_SLOTS << 3, 16);

/** Address of the argument area (static, below the heap the JS arena manages). */
export function argsArea(): usize {
  return AREA;
}

/** Slot `slot` of the block at a, as an f64. */
// @ts-ignore: decorator
@inline export function arg(a: usize, slot: i32): f64 {
  return load<f64>(a + (<usize>slot << 3));
}

/** Slot `slot` of the block at a, as a pointer (0 = absent). */
// @ts-ignore: decorator
@inline export function argPtr(a: usize, slot: i32): usize {
  return <usize>load<f64>(a + (<usize>slot << 3));
}

/** Slot `slot` of the block at a, as an i32 (counts, codes, flags). */
// @ts-ignore: decorator
@inline export function argInt(a: usize, slot: i32): i32 {
  return <i32>load<f64>(a + (<usize>slot << 3));
}

/** Writes v to slot `slot` (in/out slots, read back by the binding). */
// @ts-ignore: decorator
@inline export function setArg(a: usize, slot: i32, v: f64): void {
  store<f64>(a + (<usize>slot << 3), v);
}

// The ABI surface: kernel entry points, the enums that number their codes and argument slots (exported as
// `Enum.MEMBER` globals, read by the binding: src/wasm/abi.ts), heapBase() and the argument area. Every kernel takes
// raw pointers (16-byte aligned, owned by the JS arena) and element counts, or one argument block (util/args.ts).
// A new kernel in an existing family needs no line here: its file is exported as a whole.

/** First byte of linear memory that the JS arena may hand out. */
export function heapBase(): usize {
  return __heap_base;
}

/** 1 when this binary was built with SIMD, else 0: lets the engine report what it really runs. */
export function simdEnabled(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}

export { Status } from "./util/status";
export { ARGS_SLOTS, argsArea } from "./util/args";
export * from "./kernels/reduce";
export * from "./kernels/scoring";
export * from "./kernels/groups";
export * from "./kernels/losses";
// The rpca family and the data path's JSON indexer still list their exports (not yet on the enums and blocks above).
export { gemmF64, svdF64 } from "./kernels/linalg";
export { rpcaF64 } from "./kernels/rpca";
export { indexRecords } from "./kernels/json";

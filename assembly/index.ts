// The ABI surface: kernel entry points and heapBase(). Nothing else is exported.
// Every export takes raw pointers (16-byte aligned, owned by the JS arena) and element counts.

/** First byte of linear memory that the JS arena may hand out. */
export function heapBase(): usize {
  return __heap_base;
}

export { sumF32, sumF64 } from "./kernels/reduce";
export { dpoLossesF64 } from "./kernels/losses";
export { gemmF64, svdF64 } from "./kernels/linalg";
export { rpcaF64 } from "./kernels/rpca";

/** 1 when this binary was built with SIMD, else 0: lets the engine report what it really runs. */
export function simdEnabled(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}
export { sequenceLogpsF32, sequenceLogpsF64, implicitRewardsF32, implicitRewardsF64, sequenceRewardsF32, sequenceRewardsF64 } from "./kernels/scoring";
export { groupStatsF64, pickPositionsF64, zscoresF64 } from "./kernels/groups";
export { indexRecords } from "./kernels/json";

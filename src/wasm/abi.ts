// Hand-written types of the raw WASM exports and the status codes they return.
// Status codes mirror assembly/util/status.ts; keep both in step.

export const S_OK = 0;
export const E_INVALID = 1;
export const E_SHAPE = 2;
export const E_NONFINITE = 3;
export const E_NOCONVERGE = 4;

const STATUS_NAMES: Record<number, string> = {
  [E_INVALID]: 'E_INVALID',
  [E_SHAPE]: 'E_SHAPE',
  [E_NONFINITE]: 'E_NONFINITE',
  [E_NOCONVERGE]: 'E_NOCONVERGE',
};

/** A kernel returned a non-zero status code. `code` is the E_* name, `status` the number. */
export class KernelError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(kernel: string, status: number, detail?: string) {
    const code = STATUS_NAMES[status] ?? `E_UNKNOWN(${status})`;
    super(`${kernel}: ${code}${detail ? `: ${detail}` : ''}`);
    this.name = 'KernelError';
    this.code = code;
    this.status = status;
  }
}

/** Throws KernelError unless `status` is S_OK. */
export function check(kernel: string, status: number, detail?: string): void {
  if (status !== S_OK) throw new KernelError(kernel, status, detail);
}

/**
 * The raw exports. Pointers and counts are plain numbers (usize = u32 in wasm32; read with `>>> 0`).
 * Each kernel family adds its exports here as it lands.
 */
export interface RawExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  simdEnabled(): number;
  sumF32(xPtr: number, n: number, nonFinitePtr: number): number;
  sumF64(xPtr: number, n: number, nonFinitePtr: number): number;
  sequenceLogpsF32(xPtr: number, offPtr: number, groups: number, maskPtr: number, mean: number, outPtr: number): number;
  sequenceLogpsF64(xPtr: number, offPtr: number, groups: number, maskPtr: number, mean: number, outPtr: number): number;
  implicitRewardsF32(pPtr: number, rPtr: number, offPtr: number, groups: number, maskPtr: number, mean: number, beta: number, outPtr: number): number;
  implicitRewardsF64(pPtr: number, rPtr: number, offPtr: number, groups: number, maskPtr: number, mean: number, beta: number, outPtr: number): number;
  sequenceRewardsF32(pPtr: number, rPtr: number, n: number, beta: number, outPtr: number): void;
  sequenceRewardsF64(pPtr: number, rPtr: number, n: number, beta: number, outPtr: number): void;
  groupStatsF64(
    xPtr: number, offPtr: number, groups: number, ddof: number,
    countPtr: number, meanPtr: number, stdPtr: number, minPtr: number, maxPtr: number,
    argminPtr: number, argmaxPtr: number, nonFinitePtr: number,
  ): number;
  pickPositionsF64(
    xPtr: number, offPtr: number, groups: number, meanPtr: number, stdPtr: number,
    kindsPtr: number, ksPtr: number, nPos: number, chosen: number, excludePtr: number, outPtr: number,
  ): number;
  zscoresF64(xPtr: number, offPtr: number, groups: number, meanPtr: number, stdPtr: number, outPtr: number): number;
  dpoLossesF64(pc: number, pr: number, rc: number, rr: number, nw: number, nl: number, gap: number, n: number, types: number, k: number, params: number, loss: number, gradC: number, gradR: number, chosenReward: number, rejectedReward: number, margin: number, scratch: number): number;
  gemmF64(transA: number, transB: number, m: number, n: number, k: number, aPtr: number, bPtr: number, beta: number, cPtr: number): number;
  svdF64(m: number, n: number, aPtr: number, uPtr: number, sPtr: number, vtPtr: number, workPtr: number): number;
  rpcaF64(count: number, dimsPtr: number, dataPtr: number, maskPtr: number, lambdasPtr: number, method: number, rank: number, tol: number, maxIter: number, svdMode: number, over: number, power: number, seed: number, lPtr: number, sPtr: number, statsPtr: number, workPtr: number, workLen: number, paramsPtr: number): number;
  [name: string]: unknown;
}

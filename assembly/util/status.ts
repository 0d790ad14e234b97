// Status codes returned by every kernel that can fail. The module exports this enum (`Status.S_OK`, ...) and the
// JS binding reads the numbers from there (src/wasm/abi.ts), so they are written down here only.
export enum Status {
  S_OK = 0,
  /** An argument is out of range (negative count, offsets not monotone, bad option code). */
  E_INVALID = 1,
  /** Input holds NaN or +-Inf where the kernel cannot proceed. */
  E_NONFINITE = 3,
  /** An iterative method did not converge within its budget. */
  E_NOCONVERGE = 4,
}

// Plain names for the kernels that import them (the rpca family): the same members, not a second copy.
export const S_OK = Status.S_OK;
export const E_INVALID = Status.E_INVALID;
export const E_NONFINITE = Status.E_NONFINITE;
export const E_NOCONVERGE = Status.E_NOCONVERGE;

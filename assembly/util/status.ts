// Status codes returned by every kernel that can fail. Mirrored in src/wasm/abi.ts; keep both in step.
export const S_OK: i32 = 0;
/** An argument is out of range (negative count, offsets not monotone, bad option code). */
export const E_INVALID: i32 = 1;
/** Shapes or lengths that do not agree. */
export const E_SHAPE: i32 = 2;
/** Input holds NaN or +-Inf where the kernel cannot proceed. */
export const E_NONFINITE: i32 = 3;
/** An iterative method did not converge within its budget. */
export const E_NOCONVERGE: i32 = 4;

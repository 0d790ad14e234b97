// Stable logistic primitives for the loss kernels: softplus and sigmoid that neither overflow nor cancel,
// and logistic(), which gets softplus(+-x) and sigmoid(+-x) from one exp and one log1p. No allocation.

/** softplus(x) = log(1 + e^x), stable for every finite x (no overflow, no loss of tiny values). */
// @ts-ignore: decorator
@inline export function softplus(x: f64): f64 {
  return (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** sigmoid(x) without overflow and without 1 - sigmoid cancellation. */
// @ts-ignore: decorator
@inline export function sigmoid(x: f64): f64 {
  if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1.0 + e);
}

// Result registers of logistic() (internal to the kernels, never part of the ABI).
export let SPN: f64 = 0; // softplus(-x)
export let SPP: f64 = 0; // softplus(x)
export let SGP: f64 = 0; // sigmoid(x)
export let SGN: f64 = 0; // sigmoid(-x)

/** softplus(+-x) and sigmoid(+-x) from one exp and one log1p (the per-row cost is in these transcendentals). */
// @ts-ignore: decorator
@inline export function logistic(x: f64): void {
  const e = Math.exp(-Math.abs(x));
  const l = Math.log1p(e);
  const big = 1.0 / (1.0 + e);
  const small = e / (1.0 + e);
  SPN = (x < 0 ? -x : 0) + l;
  SPP = (x > 0 ? x : 0) + l;
  SGP = x >= 0 ? big : small;
  SGN = x >= 0 ? small : big;
}

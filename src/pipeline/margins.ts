// Per-pair margins (spec selection.md 2.3): the external score gap and the implicit margin from policy and
// reference sequence log-probs. All arithmetic in f64; a missing input gives NaN (callers count it).

/** External margin m_ex = score_chosen - score_rejected. */
export function externalMargin(scoreChosen: number, scoreRejected: number): number {
  return scoreChosen - scoreRejected;
}

/**
 * Implicit margin from summed sequence log-probs:
 *   beta * [(log pi(y_w) - log pi_ref(y_w)) - (log pi(y_l) - log pi_ref(y_l))].
 * With beta = 1 (the default) this is the Less-is-More form, which deliberately omits beta (spec 2.3); any other
 * beta gives the difference of beta-scaled DPO implicit rewards, r_w - r_l with r = beta * log(pi / pi_ref).
 */
export function implicitMargin(policyChosen: number, policyRejected: number, referenceChosen: number, referenceRejected: number, beta = 1): number {
  return beta * ((policyChosen - referenceChosen) - (policyRejected - referenceRejected));
}

/** Column forms of the above (NaN where an input is non-finite). */
export function externalMargins(scoreChosen: Float64Array, scoreRejected: Float64Array): Float64Array {
  const out = new Float64Array(scoreChosen.length);
  for (let i = 0; i < out.length; i++) out[i] = externalMargin(scoreChosen[i]!, scoreRejected[i]!);
  return out;
}

/** Implicit margins of pairs from per-candidate implicit rewards: rewards[chosen] - rewards[rejected]. */
export function marginsFromRewards(rewards: Float64Array, chosen: ArrayLike<number>, rejected: ArrayLike<number>): Float64Array {
  const out = new Float64Array(chosen.length);
  for (let i = 0; i < out.length; i++) out[i] = rewards[chosen[i]!]! - rewards[rejected[i]!]!;
  return out;
}

// Format detection (`--format auto`) from the first object record: which keys it has.
import { getPath, own, splitPath } from './path.js';
import type { FieldOverrides, FormatName } from './types.js';

export interface Detection {
  format: FormatName;
  /** Why, for the "detected format ..." diagnostic. */
  reason: string;
}

/**
 * Chooses a format from one parsed object record (and the field overrides, which count as evidence).
 * Returns undefined when nothing matches.
 */
export function detectFormat(rec: Record<string, unknown>, fields: FieldOverrides = {}): Detection | undefined {
  const has = (path: string): boolean => getPath(rec, splitPath(path)) !== undefined;
  if (has('all_generated_responses') && fields.chosen === undefined) {
    return { format: 'onpolicy', reason: "the first record has 'all_generated_responses'" };
  }
  const comps = own(rec, 'completions');
  if (has('instruction') && Array.isArray(comps) && comps.some((c) => c !== null && typeof c === 'object' && 'response' in (c as object))) {
    return { format: 'ultrafeedback', reason: "the first record has 'instruction' and 'completions[].response'" };
  }
  if (fields.responses !== undefined || fields.scores !== undefined) {
    return { format: 'candidates', reason: 'a --responses-field/--scores-field override was given' };
  }
  if (has('responses')) return { format: 'candidates', reason: "the first record has 'responses'" };
  const cp = fields.chosen ?? 'chosen';
  const rp = fields.rejected ?? 'rejected';
  if (has(cp) && has(rp)) {
    const c = getPath(rec, splitPath(cp));
    const pp = fields.prompt ?? 'prompt';
    if (!has(pp) && typeof c === 'string' && /^\s*\n?\n?Human:/.test(c)) {
      return { format: 'hh-rlhf', reason: `the first record has '${cp}'/'${rp}' dialogues starting with "Human:" and no '${pp}'` };
    }
    return { format: 'pairs', reason: `the first record has '${cp}' and '${rp}'` };
  }
  return undefined;
}

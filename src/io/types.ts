// The vocabulary of the datasets layer: formats, text forms, field overrides, reject and exclusion reasons.
// Platform neutral: nothing here (or anywhere in src/io/ outside src/io/node/) imports node:*.

/** One chat message. Extra keys of the input message are dropped. */
export interface Message {
  role: string;
  content: string;
}

/** A prompt or a response: plain text ("standard") or a list of messages ("conversational"). */
export type Text = string | Message[];

/** Input formats (`--format`). */
export const FORMATS = ['candidates', 'onpolicy', 'ultrafeedback', 'pairs', 'hh-rlhf'] as const;
export type FormatName = (typeof FORMATS)[number];

/** How the UltraFeedback score is taken (`--score`). */
export type ScoreMode = 'overall' | 'fine-grained';

/** What to do with a bad record (`--on-error`). */
export type OnError = 'skip' | 'fail';

/** Dot-path field overrides (`--prompt-field` etc.); unset fields use the format's defaults. */
export interface FieldOverrides {
  prompt?: string;
  responses?: string;
  scores?: string;
  chosen?: string;
  rejected?: string;
}

/** Why a record is rejected (it ends in `<out>.rejects.jsonl`). */
export const REJECT_REASONS = [
  'malformed_json',
  'not_an_object',
  'missing_field',
  'wrong_type',
  'length_mismatch',
  'too_few_scored',
  'no_shared_prompt',
  // row inputs (e.g. `loss`): a non-finite number where a finite one is needed, a value out of its range,
  // a row that contradicts the rows before it (e.g. token counts on some rows only)
  'non_finite',
  'out_of_range',
  'inconsistent',
  // any input: a record nested deeper than the depth limit, or larger than --max-record-bytes
  'too_deep',
  'too_large',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Why a candidate is excluded (the record goes on without it). */
export const EXCLUSION_REASONS = ['score_null', 'score_nan', 'score_infinite', 'score_out_of_range'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** Thrown with `--on-error fail` at the first bad record. */
export class BadRecordError extends Error {
  constructor(readonly reject: { file: string; line: number; field: string | null; reason: RejectReason; detail: string }) {
    super(`${reject.file}:${reject.line}:${reject.field ?? '-'}: ${reject.reason}: ${reject.detail}`);
    this.name = 'BadRecordError';
  }
}

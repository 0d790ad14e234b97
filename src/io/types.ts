// The normalized record types every input format is read into, and the vocabulary of rejects and exclusions.
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

/** A scored log-prob entry: a sequence sum, or per-token log-probs. */
export type Logp = number | number[];

/**
 * A multi-candidate record (formats candidates, onpolicy, ultrafeedback).
 * `scores[i]` is null when the candidate has no usable score (null, NaN or +-Inf in the input; see
 * `excluded`); such candidates stay in `responses` so indices keep matching the input.
 */
export interface CandidateRecord {
  kind: 'candidates';
  /** 0-based record number in the input (blank lines are not records; malformed lines are). */
  index: number;
  /** 1-based physical line of the record (for Parquet: 1-based row number). */
  line: number;
  id?: string | number;
  prompt: Text;
  responses: Text[];
  scores: (number | null)[];
  /** Why each excluded candidate has a null score, by candidate index (absent when none is excluded). */
  excluded?: Map<number, ExclusionReason>;
  policyLogps?: Logp[];
  referenceLogps?: Logp[];
  /** True when the prompt or any response is a message list. */
  conversational: boolean;
  /** The parsed input object, as read. */
  raw: Record<string, unknown>;
}

/** A preference pair record (formats pairs, hh-rlhf). */
export interface PairRecord {
  kind: 'pair';
  index: number;
  line: number;
  id?: string | number;
  prompt: Text;
  chosen: Text;
  rejected: Text;
  /** `score_chosen` / `score_rejected` when present (null when present but null or non-finite). */
  scoreChosen?: number | null;
  scoreRejected?: number | null;
  /** Why a present score is null: key 0 = chosen, 1 = rejected. */
  excluded?: Map<number, ExclusionReason>;
  /** The prompt was split off as the shared prefix of chosen and rejected. */
  implicitPrompt: boolean;
  conversational: boolean;
  raw: Record<string, unknown>;
}

export type InputRecord = CandidateRecord | PairRecord;

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
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Why a candidate is excluded (the record goes on without it). */
export const EXCLUSION_REASONS = ['score_null', 'score_nan', 'score_infinite', 'score_out_of_range'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** A rejected record: one line of `<out>.rejects.jsonl`. */
export interface Reject {
  file: string;
  /** 1-based physical line (Parquet: 1-based row). */
  line: number;
  /** The field at fault (a dot path), or null when the whole record is at fault. */
  field: string | null;
  reason: RejectReason;
  /** Human-readable detail, e.g. "scores[2] is a string". */
  detail: string;
  /** The parsed record, or the raw line text when it could not be parsed. */
  record: unknown;
}

/** One unit of input before decoding: a parsed value or a parse failure, with its position. */
export interface RawItem {
  index: number;
  line: number;
  /** Present when the text parsed. */
  value?: unknown;
  /** Present when it did not: the parse error message. */
  error?: string;
  /** The source text (kept only for parse failures). */
  text?: string;
}

/** Thrown with `--on-error fail` at the first bad record. */
export class BadRecordError extends Error {
  constructor(readonly reject: Reject) {
    super(`${reject.file}:${reject.line}:${reject.field ?? '-'}: ${reject.reason}: ${reject.detail}`);
    this.name = 'BadRecordError';
  }
}

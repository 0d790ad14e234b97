// Messages between the page and its worker, and the pairs table the worker fills from the rows it writes.
import type { FormValues } from './options.js';
import type { SourceKind } from './source.js';

export type ToWorker =
  | { type: 'probe'; id: number; file: Blob; name: string; pasted: boolean; format: string; fields: Record<string, string> }
  | { type: 'run'; file: Blob; name: string; pasted: boolean; values: FormValues };

export interface RejectLine {
  line: number;
  field: string | null;
  reason: string;
  detail: string;
}

export interface Probe {
  kind: SourceKind;
  size: number;
  /** The format `auto` chose and why (or the format given). */
  format?: string;
  reason?: string;
  /** Why nothing was detected. */
  error?: string;
  /** The first records' count in the probed bytes. */
  records: number;
}

export interface Progress {
  pass: number;
  bytes: number;
  total: number;
  records: number;
  elapsedMs: number;
}

export interface Outputs {
  main: Blob;
  sft?: Blob;
  manifest: Blob;
  rejects: Blob;
  report?: Blob;
}

export type FromWorker =
  | { type: 'ready'; backend: string; simd: boolean; fallbackReason?: string }
  | { type: 'probe'; id: number; probe: Probe }
  | { type: 'progress'; progress: Progress }
  | { type: 'done'; manifest: Record<string, unknown>; outputs: Outputs; names: Record<keyof Outputs, string>; reportHtml?: string; rejects: RejectLine[]; table: TableData; elapsedMs: number; threads: number; pooled: number; spool?: 'opfs' | 'memory' }
  | { type: 'error'; message: string };

/** Text columns of the table (cut to TEXT_CHARS characters). */
export const TEXT_COLUMNS = ['prompt', 'chosen', 'rejected'] as const;
/** Number columns of the table (NaN: absent). */
export const NUMBER_COLUMNS = ['prompt_index', 'score_chosen', 'score_rejected', 'margin', 'implicit_margin', 'selection_score', 'selected', 'weight', 'goal'] as const;
/** Label columns. */
export const LABEL_COLUMNS = ['route', 'goal_role'] as const;
export const TEXT_CHARS = 120;
/** Rows the table keeps at most (the download has them all). */
export const TABLE_ROWS = 1_000_000;

export interface TableData {
  n: number;
  /** Rows written beyond TABLE_ROWS (not in the table). */
  more: number;
  text: Record<(typeof TEXT_COLUMNS)[number], string[]>;
  numbers: Record<(typeof NUMBER_COLUMNS)[number], Float64Array>;
  labels: Record<(typeof LABEL_COLUMNS)[number], string[]>;
  /** Which optional columns hold anything. */
  present: string[];
}

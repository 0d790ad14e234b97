// The main job as one library call: `curate(input, options)` reads candidate sets (or pairs) from any byte source,
// builds sweet-spot pairs, selects, weights, routes and augments, and returns the rows and the counts. Runtime
// neutral (Node, browsers, workers, edge): give it text, bytes, a Blob / File, an async iterable of byte chunks,
// or a re-openable JobInput; rows go to memory unless sinks are given.
import type { FramingMode } from '../io/framer.js';
import type { Tally } from '../io/manifest.js';
import type { FieldOverrides, FormatName, OnError, ScoreMode } from '../io/types.js';
import { MemorySink, type RowSink } from './emit.js';
import type { JobHooks, JobInput } from './job.js';
import type { RunEngine } from './run-pairs.js';
import { runSelect, type SelectRunOptions, type SelectRunResult } from './run-select.js';
import type { BatchPool } from './tasks.js';

/** What curate reads: JSON Lines (or a JSON array) as text, bytes, a Blob / File, chunks, or a re-openable input. */
export type CurateInput = string | Uint8Array | { stream(): ReadableStream<Uint8Array>; size?: number; name?: string } | JobInput;

export interface CurateOptions extends Partial<Omit<SelectRunOptions, 'select' | 'by'>> {
  /** The engine (its kernels and memory); required: create one with createEngine(). */
  engine: RunEngine;
  format?: FormatName | 'auto';
  fields?: FieldOverrides;
  score?: ScoreMode;
  onError?: OnError;
  by?: SelectRunOptions['by'];
  /** Keep the top fraction (default 1: rank and keep all) or the top k. */
  fraction?: number;
  top?: number;
  select?: SelectRunOptions['select'];
  /** Where rows go (default: in memory, returned as `rows`). */
  sinks?: { main: RowSink; sft?: RowSink };
  hooks?: JobHooks;
  /** Framing of the input (default: sniffed: a JSON array if it starts with '[', else JSON Lines). */
  framing?: FramingMode;
  /** Workers for the batches (Node: ThreadPool from pairsmith/node; browsers: Web Workers); the rows are the same. */
  pool?: BatchPool;
}

export interface CurateResult extends SelectRunResult {
  tally: Tally;
  /** The rows written, when no sinks were given. */
  rows?: unknown[];
  sft?: unknown[];
}

function isJobInput(x: unknown): x is JobInput {
  return typeof x === 'object' && x !== null && typeof (x as JobInput).open === 'function' && 'framing' in (x as object);
}

async function* streamChunks(s: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = s.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Any curate input as a re-openable JobInput. */
export function toJobInput(input: CurateInput, framing: FramingMode = 'sniff'): JobInput {
  if (isJobInput(input)) return input;
  if (typeof input === 'string') {
    const bytes = new TextEncoder().encode(input);
    return { name: 'input', framing, size: bytes.length, open: async function* () { yield bytes; } };
  }
  if (input instanceof Uint8Array) return { name: 'input', framing, size: input.length, open: async function* () { yield input; } };
  const blob = input;
  return { name: blob.name ?? 'input', framing, size: blob.size, open: () => streamChunks(blob.stream()) };
}

/**
 * Runs the main job: sweet-spot pairs (or the pairs of a pairs input), margin selection (bees when both margins
 * exist), then the optional weights, routing and augmentation. Returns the counts, the report and the rows.
 */
export async function curate(input: CurateInput, options: CurateOptions): Promise<CurateResult> {
  const { engine, sinks, hooks, framing, format, fields, score, onError, fraction, top, pool, ...rest } = options;
  const select = options.select ?? { ...(top !== undefined ? { top } : { fraction: fraction ?? 1 }) };
  const main = sinks?.main ?? new MemorySink();
  const sft = sinks?.sft ?? (rest.curate?.route ? new MemorySink() : undefined);
  const result = await runSelect(
    engine,
    toJobInput(input, framing),
    { format: format ?? 'auto', fields, score, onError },
    { strategy: 'sweet-spot', ...rest, by: options.by ?? 'auto', select, curate: rest.curate ?? {} },
    { main, sft },
    hooks,
    pool,
  );
  const out: CurateResult = { ...result };
  if (!sinks) {
    out.rows = (main as MemorySink).rows();
    if (sft) out.sft = (sft as MemorySink).rows();
  }
  return out;
}

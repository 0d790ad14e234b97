// Runs the one data path's library functions on generated inputs (whole, or fed in small chunks; at several batch
// sizes) and compares what a reader of the outputs sees with the oracle: rows (parsed), manifest counts, rejects.
import { expect } from 'vitest';
import { pipelineEngine } from '../../src/cli/engine-port.js';
import { ByteSink } from '../../src/io/bytes.js';
import { JsonlRowBuilder } from '../../src/io/encode.js';
import type { Tally as PipelineTally } from '../../src/io/manifest.js';
import type { Reject } from '../../src/io/records.js';
import { writeRejectRow } from '../../src/io/rejects.js';
import { createEngineSync } from '../../src/node.js';
import { toJobInput } from '../../src/pipeline/api.js';
import { MemorySink } from '../../src/pipeline/emit.js';
import { UsageError } from '../../src/pipeline/errors.js';
import { FormatDetectionError, type JobHooks, type JobInput, type ReadSettings } from '../../src/pipeline/job.js';
import type { RunEngine } from '../../src/pipeline/run-pairs.js';
import type { Expected, Tally } from '../oracle/commands.js';
import type { ReadOptions } from '../oracle/records.js';
import type { InputSpec } from './gen.js';

export const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20261202;

let shared: RunEngine | undefined;
/** The engine of these tests (auto: wasm-simd here). */
export function engine(): RunEngine {
  shared ??= pipelineEngine(createEngineSync());
  return shared;
}

/** Records per batch: one, seven and the default (about 1 MiB). Results must not depend on it. */
export const BATCHES: (number | undefined)[] = [1, 7, undefined];

/** The input as a JobInput: one chunk (toJobInput), or `chunk` bytes at a time. */
export function jobInput(spec: InputSpec, chunk?: number): JobInput {
  if (chunk === undefined) return toJobInput(spec.bytes, spec.framing);
  const bytes = spec.bytes;
  return {
    name: 'input',
    framing: spec.framing,
    size: bytes.length,
    async *open() {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.slice(i, i + chunk);
    },
  };
}

export function readSettings(spec: InputSpec, read: Omit<ReadOptions, 'framing' | 'maxRecordBytes'>, batchRecords: number | undefined): ReadSettings {
  return { format: read.format, fields: read.fields, maxRecordBytes: spec.maxRecordBytes, batchRecords };
}

export function oracleRead(spec: InputSpec, read: Omit<ReadOptions, 'framing' | 'maxRecordBytes'>): ReadOptions {
  return { ...read, framing: spec.framing, maxRecordBytes: spec.maxRecordBytes };
}

/** What one run showed: rows of each output (parsed), the counts, the rejects as the rejects file has them. */
export interface Observed {
  rows: unknown[];
  sft?: unknown[];
  tally?: Tally;
  format?: string | null;
  rejects: { line: number; field: string | null; reason: string; record: unknown }[];
  error?: unknown;
}

/** Rejects as rows of `<out>.rejects.jsonl` (through the one row writer), parsed. */
export function rejectRows(rs: readonly Reject[]): Observed['rejects'] {
  const sink = new ByteSink();
  const b = new JsonlRowBuilder(sink);
  for (const r of rs) writeRejectRow(b, r);
  const text = new TextDecoder().decode(sink.take());
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const o = JSON.parse(l) as Record<string, unknown>;
      expect(Object.keys(o)).toEqual(['file', 'line', 'field', 'reason', 'detail', 'record']);
      return { line: o.line as number, field: o.field as string | null, reason: o.reason as string, record: o.record };
    });
}

export function tallyOf(t: PipelineTally): Tally {
  const nz = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v > 0));
  return { read: t.recordsRead, written: t.recordsWritten, rejected: nz(t.rejected), noPair: nz(t.noPair), candidates: t.candidatesRead, excluded: nz(t.excluded), rows: t.rowsWritten, pairs: t.pairsWritten };
}

/**
 * Runs `fn` with memory sinks and a rejects hook; every line written must parse as JSON (MemorySink.rows parses).
 * `fn` returns the run's tally and format.
 */
export async function observe(fn: (hooks: JobHooks, main: MemorySink, sft: MemorySink) => Promise<{ tally: PipelineTally; format: string | null } | undefined>): Promise<Observed> {
  const main = new MemorySink();
  const sft = new MemorySink();
  const rejects: Reject[] = [];
  try {
    const res = await fn({ rejects: (rs) => void rejects.push(...rs) }, main, sft);
    return { rows: main.rows(), sft: sft.rows(), tally: res && tallyOf(res.tally), format: res?.format, rejects: rejectRows(rejects) };
  } catch (error) {
    return { rows: [], rejects: rejectRows(rejects), error };
  }
}

/**
 * Runs a property body; on failure the input is written to $ORACLE_DUMP (a file) when that is set, so a counterexample
 * can be read as text rather than bytes.
 */
export async function dumping<T>(spec: InputSpec, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    const to = process.env.ORACLE_DUMP;
    if (to) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(to, JSON.stringify({ framing: spec.framing, maxRecordBytes: spec.maxRecordBytes, text: new TextDecoder().decode(spec.bytes), error: String(e) }, null, 1));
    }
    throw e;
  }
}

/** Numbers compared as a JSON reader compares them: -0 is 0. */
export function norm(v: unknown): unknown {
  if (typeof v === 'number') return Object.is(v, -0) ? 0 : v;
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(norm);
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(v)) Object.defineProperty(o, k, { value: norm((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
  return o;
}

/** Holds an observed run to the oracle. `sftToo`: compare the second output as well. */
export function expectAgrees(got: Observed, want: Expected, o: { sftToo?: boolean; rows?: (got: unknown[], want: Record<string, unknown>[]) => void } = {}): void {
  if (want.error) {
    expect(got.error, 'the run should fail').toBeInstanceOf(want.error === 'detect' ? FormatDetectionError : UsageError);
    return;
  }
  if (got.error) throw got.error;
  expect(got.tally).toEqual(want.tally);
  expect(got.format ?? undefined).toEqual(want.format);
  expect(norm(got.rejects)).toEqual(norm(want.rejects.map(({ line, field, reason, record }) => ({ line, field, reason, record }))));
  let rows = want.rows;
  if (want.rowsWithoutImplicit && got.rows.length > 0 && !('implicit_margin' in (got.rows[0] as object))) rows = want.rowsWithoutImplicit;
  if (o.rows) o.rows(got.rows, rows);
  else expect(norm(got.rows)).toEqual(norm(rows));
  if (o.sftToo) expect(norm(got.sft)).toEqual(norm(want.sft ?? []));
}

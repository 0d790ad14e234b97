// Run accounting and the `<out>.manifest.json` document. The Tally is the one place counts are kept, and
// its invariants are checked when the manifest is built:
//   records.read = records.written + records.no_pair + records.rejected
//   candidates.read = candidates.used + candidates.excluded      (candidates of records not rejected)
import { EXCLUSION_REASONS, REJECT_REASONS, type ExclusionReason, type RejectReason } from './types.js';
import { VERSION } from '../version.js';

type Counts<K extends string> = Record<K, number>;

function zeros<K extends string>(keys: readonly K[]): Counts<K> {
  const o = {} as Counts<K>;
  for (const k of keys) o[k] = 0;
  return o;
}

/** Counts of one run. Decoders count reads, rejects and exclusions; commands count outcomes. */
export class Tally {
  recordsRead = 0;
  /** Records that ended in the output (one or more rows each). */
  recordsWritten = 0;
  rejected: Counts<RejectReason> = zeros(REJECT_REASONS);
  /** Records that were valid but produced no output row, by reason (e.g. all_scores_equal). */
  noPair: Record<string, number> = {};
  candidatesRead = 0;
  excluded: Counts<ExclusionReason> = zeros(EXCLUSION_REASONS);
  rowsWritten = 0;
  pairsWritten = 0;

  /** A record was read (every non-blank line / array element / Parquet row). */
  read(n = 1): void {
    this.recordsRead += n;
  }
  reject(reason: RejectReason): void {
    this.rejected[reason]++;
  }
  /** A candidate of an accepted record was excluded later (e.g. out of range for a transform). */
  exclude(reason: ExclusionReason, n = 1): void {
    this.excluded[reason] += n;
  }
  /** A record ended in the output as `rows` rows, `pairs` of which are preference pairs. */
  written(rows = 1, pairs = 0): void {
    this.recordsWritten++;
    this.rowsWritten += rows;
    this.pairsWritten += pairs;
  }
  /** A valid record produced no row. */
  noPairFor(reason: string): void {
    this.noPair[reason] = (this.noPair[reason] ?? 0) + 1;
  }

  get rejectedTotal(): number {
    return sum(this.rejected);
  }
  get excludedTotal(): number {
    return sum(this.excluded);
  }
  get noPairTotal(): number {
    return sum(this.noPair);
  }

  /** Invariant violations (empty when the counts add up). */
  problems(): string[] {
    const out: string[] = [];
    const accounted = this.recordsWritten + this.noPairTotal + this.rejectedTotal;
    if (accounted !== this.recordsRead) {
      out.push(`records: read ${this.recordsRead} but written ${this.recordsWritten} + no_pair ${this.noPairTotal} + rejected ${this.rejectedTotal} = ${accounted}`);
    }
    if (this.excludedTotal > this.candidatesRead) out.push(`candidates: excluded ${this.excludedTotal} > read ${this.candidatesRead}`);
    return out;
  }
}

function sum(o: Record<string, number>): number {
  let s = 0;
  for (const v of Object.values(o)) s += v;
  return s;
}

function nonZero(o: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o)) if (v > 0) out[k] = v;
  return out;
}

/** The `<out>.manifest.json` document (field names are a contract). */
export interface Manifest {
  pairsmith_version: string;
  command: string;
  inputs: string[];
  format: string | null;
  format_detected: boolean;
  output: string | null;
  rejects: string | null;
  backend: string;
  parameters: Record<string, unknown>;
  started_at: string;
  ended_at: string;
  records: { read: number; written: number; no_pair: number; rejected: number };
  rejected_by_reason: Record<string, number>;
  no_pair_by_reason: Record<string, number>;
  candidates: { read: number; used: number; excluded: number };
  excluded_by_reason: Record<string, number>;
  rows_written: number;
  pairs_written: number;
  /** Command-specific outcome counts of the written records (e.g. clean: rpca / passed_through), when any. */
  outcomes?: Record<string, number>;
  /**
   * A sharded run (--shard K/N): which shard, and its part of the input: bytes [start_byte, end_byte) of JSON Lines,
   * or row groups [start_row_group, end_row_group) of Parquet.
   */
  shard?: { index: number; count: number; start_byte?: number; end_byte?: number; start_row_group?: number; end_row_group?: number };
}

export interface ManifestInput {
  command: string;
  inputs: string[];
  format: string | null;
  formatDetected: boolean;
  output: string | null;
  rejects: string | null;
  backend: string;
  parameters: Record<string, unknown>;
  startedAt: Date;
  endedAt: Date;
  tally: Tally;
  outcomes?: Record<string, number>;
  shard?: { index: number; count: number; start: number; end: number; unit?: 'bytes' | 'row_groups' };
}

/** Builds the manifest; throws an Error if the counts do not add up (a bug, never user error). */
export function buildManifest(m: ManifestInput): Manifest {
  const t = m.tally;
  const problems = t.problems();
  if (problems.length) throw new Error(`pairsmith: internal accounting error: ${problems.join('; ')}`);
  return {
    pairsmith_version: VERSION,
    command: m.command,
    inputs: m.inputs,
    format: m.format,
    format_detected: m.formatDetected,
    output: m.output,
    rejects: m.rejects,
    backend: m.backend,
    parameters: m.parameters,
    started_at: m.startedAt.toISOString(),
    ended_at: m.endedAt.toISOString(),
    records: { read: t.recordsRead, written: t.recordsWritten, no_pair: t.noPairTotal, rejected: t.rejectedTotal },
    rejected_by_reason: nonZero(t.rejected),
    no_pair_by_reason: nonZero(t.noPair),
    candidates: { read: t.candidatesRead, used: t.candidatesRead - t.excludedTotal, excluded: t.excludedTotal },
    excluded_by_reason: nonZero(t.excluded),
    rows_written: t.rowsWritten,
    pairs_written: t.pairsWritten,
    ...(m.outcomes ? { outcomes: m.outcomes } : {}),
    ...(m.shard
      ? {
          shard:
            m.shard.unit === 'row_groups'
              ? { index: m.shard.index, count: m.shard.count, start_row_group: m.shard.start, end_row_group: m.shard.end }
              : { index: m.shard.index, count: m.shard.count, start_byte: m.shard.start, end_byte: m.shard.end },
        }
      : {}),
  };
}

// The record path shared by pairs, select and curate: candidate records (from a DataRun) -> pair rows in the
// output form (standard or conversational, decided by the first record), with the tally kept per record.
import { trlSchema, type ColumnSpec } from '../io/rows.js';
import { promptMessages, promptString, responseMessages, responseString } from '../io/text.js';
import type { CandidateRecord, InputRecord, Text } from '../io/types.js';
import { pairRowsFromRecords, type PairRow, type RewardOptions } from '../pipeline/candidates.js';
import type { GroupEngine } from '../pipeline/group-engine.js';
import { emptyReport, mergeReport, type PairsOptions } from '../pipeline/pairs.js';
import type { ConstructReport } from '../pipeline/construct.js';
import type { DataRun } from './data-run.js';
import { CliError, EXIT } from './io.js';

/** Output columns of pair rows (Parquet types). */
export function pairSchema(conversational: boolean, implicit: boolean, extra: ColumnSpec[] = []): ColumnSpec[] {
  return [
    ...trlSchema(conversational, true),
    { name: 'margin', type: 'double' },
    { name: 'prompt_index', type: 'int' },
    { name: 'chosen_index', type: 'int' },
    { name: 'rejected_index', type: 'int' },
    { name: 'strategy', type: 'string' },
    { name: 'chosen_position', type: 'string' },
    { name: 'rejected_position', type: 'string' },
    ...(implicit ? [{ name: 'implicit_margin', type: 'double' as const }] : []),
    ...extra,
  ];
}

export class PairRowsBuilder {
  readonly report: ConstructReport = emptyReport();
  conversational: boolean | undefined;
  implicit = false;

  /**
   * With `defer`, records that yield pairs are not counted as written here: the caller counts them after a
   * later step (selection) decides which rows stay (see countKept). Records without a pair are counted now.
   */
  constructor(
    private readonly run: DataRun,
    private readonly engine: GroupEngine,
    private readonly opts: PairsOptions & RewardOptions,
    private readonly defer = false,
  ) {}

  private text = (v: unknown, role: 'prompt' | 'response'): unknown => {
    const t = v as Text;
    if (this.conversational) return role === 'prompt' ? promptMessages(t) : responseMessages(t);
    return role === 'prompt' ? promptString(t) : responseString(t);
  };

  /** Pair rows of one chunk of records; counts each record's outcome in the run's tally. */
  rows(records: readonly InputRecord[]): PairRow[] {
    if (records.length === 0) return [];
    const cands: CandidateRecord[] = [];
    for (const r of records) {
      if (r.kind !== 'candidates') {
        throw new CliError(
          `${this.run.spec.input}:${r.line}: this input holds pairs (format ${this.run.format}); pair construction needs candidate sets (formats candidates, onpolicy, ultrafeedback)`,
          EXIT.USAGE,
        );
      }
      cands.push(r);
    }
    if (this.conversational === undefined) {
      this.conversational = cands[0]!.conversational;
      this.implicit = cands.some((c) => c.policyLogps !== undefined && c.referenceLogps !== undefined);
    }
    const { rows, result } = pairRowsFromRecords(this.engine, cands, this.opts, this.text);
    if (result.outOfRange > 0) this.run.tally.exclude('score_out_of_range', result.outOfRange);
    for (let g = 0; g < cands.length; g++) {
      const k = result.groupPairs[g]!;
      if (k > 0) {
        if (!this.defer) this.run.tally.written(k, k);
      } else this.run.tally.noPairFor(result.noPair[g] ?? 'no_pair');
    }
    mergeReport(this.report, result.report);
    return rows;
  }
}

/** The construction report for the manifest. */
export function constructReportJson(r: ConstructReport): Record<string, unknown> {
  return {
    prompts: r.prompts,
    prompts_with_pair: r.promptsWithPair,
    pairs: r.pairs,
    prompts_without_pair: r.promptsWithoutPair,
    pairs_dropped: r.pairsDropped,
    fallback_used: r.fallbackUsed,
    small_prompts: r.smallPrompts,
    rejected_not_min: r.rejectedNotMin,
    rejected_z_mean: r.pairs > 0 ? r.rejectedZSum / r.pairs : null,
  };
}

/**
 * Counts records whose rows went through a later step: a record with kept rows is written (rows, pairs), a
 * record whose rows were all dropped is a no-pair outcome with `reason`. `recordOf[i]` is row i's record.
 */
export function countKept(run: DataRun, recordOf: readonly number[], kept: readonly boolean[], reason: string, rowsPerKept = 1): void {
  const perRecord = new Map<number, number>();
  recordOf.forEach((rec, i) => perRecord.set(rec, (perRecord.get(rec) ?? 0) + (kept[i] ? 1 : 0)));
  for (const k of perRecord.values()) {
    if (k > 0) run.tally.written(k * rowsPerKept, k * rowsPerKept);
    else run.tally.noPairFor(reason);
  }
}

// The chunked evaluation behind `pairsmith loss`: checked rows arrive in read chunks; their per-token arrays
// are summed per chunk (sequenceLogps), the sums wait in a small buffer, and whole chunks of `chunkRows`
// rows (a multiple of the batch size) go through dpoLosses. bco_pair's running mean is carried from chunk to
// chunk, per-row results stream to the writer and the summary metrics are running sums, so memory is bounded
// by one chunk whatever the input size.
import type { Engine } from '../../engine.js';
import type { Tally } from '../../io/manifest.js';
import type { ObjectWriter } from '../data-run.js';
import { lossInvalidReason, RATING_LOSSES, type BcoRunningState, type InvalidReason, type LossColumns, type LossOptions, type LossResult, type LossType } from '../../kernels/losses.js';
import { sequenceLogpColumns } from '../../losses/logps.js';
import { DpoMetricsAccumulator } from '../../losses/metrics.js';
import type { LossRow } from '../../losses/loss-rows.js';
import { CliError, EXIT } from '../io.js';

/** A checked row with its four sequence log-probs summed. */
interface SummedRow {
  index: number;
  pc: number;
  pr: number;
  rc: number;
  rr: number;
  nw: number;
  nl: number;
  gap: number;
}

const num = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** One output line: {"index", "loss", "chosen_reward", "rejected_reward", "margin", "grad"}. */
function outputRow(index: number, result: LossResult, i: number, types: readonly LossType[]): Record<string, unknown> {
  const loss: Record<string, number | null> = {};
  const grad: Record<string, [number | null, number | null]> = {};
  for (const t of types) {
    loss[t] = num(result.loss[t]![i]!);
    grad[t] = [num(result.gradChosen[t]![i]!), num(result.gradRejected[t]![i]!)];
  }
  return { index, loss, chosen_reward: result.chosenReward[i], rejected_reward: result.rejectedReward[i], margin: result.margin[i], grad };
}

export class LossEvaluator {
  readonly metrics = new DpoMetricsAccumulator();
  /** Rows each loss could not use (null for that loss only), by reason; only losses with such rows appear. */
  readonly invalidByLoss: Partial<Record<LossType, Partial<Record<InvalidReason, number>>>> = {};
  private pending: SummedRow[] = [];
  private bco: BcoRunningState | undefined;
  private readonly needGap: boolean;
  private rated = 0;
  private evaluated = 0;

  constructor(
    private readonly engine: Engine,
    private readonly options: LossOptions,
    private readonly chunkRows: number,
    private readonly writer: ObjectWriter | undefined,
    private readonly tally: Tally,
  ) {
    this.needGap = options.losses.some((t) => RATING_LOSSES.includes(t));
  }

  /** Sums one read chunk's log-probs and evaluates every whole chunk now buffered. */
  async push(rows: readonly LossRow[], withLengths: boolean): Promise<void> {
    if (rows.length === 0) return;
    const [pc, pr, rc, rr] = sequenceLogpColumns(this.engine, rows);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      this.pending.push({ index: r.index, pc: pc[i]!, pr: pr[i]!, rc: rc[i]!, rr: rr[i]!, nw: r.chosenLength ?? 1, nl: r.rejectedLength ?? 1, gap: r.gap });
    }
    while (this.pending.length >= this.chunkRows) {
      const chunk = this.pending.slice(0, this.chunkRows);
      this.pending = this.pending.slice(this.chunkRows);
      await this.evaluate(chunk, withLengths);
    }
  }

  /** Evaluates the rows still buffered (the last, possibly partial, chunk). */
  async finish(withLengths: boolean): Promise<void> {
    const rest = this.pending;
    this.pending = [];
    if (rest.length > 0) await this.evaluate(rest, withLengths);
  }

  /** A rating-aware loss over rows none of which has a rating is a user error (exit 3), not a table of nulls. */
  checkRatings(input: string): void {
    if (this.needGap && this.evaluated > 0 && this.rated === 0) {
      const types = this.options.losses.filter((t) => RATING_LOSSES.includes(t)).join(', ');
      throw new CliError(`${input}: ${types} need score_chosen and score_rejected, and no row has both as finite numbers`, EXIT.BAD_INPUT);
    }
  }

  private async evaluate(rows: SummedRow[], withLengths: boolean): Promise<void> {
    const col = (f: (r: SummedRow) => number): Float64Array => Float64Array.from(rows, f);
    const columns: LossColumns = {
      policyChosen: col((r) => r.pc),
      policyRejected: col((r) => r.pr),
      referenceChosen: col((r) => r.rc),
      referenceRejected: col((r) => r.rr),
    };
    if (withLengths) {
      columns.chosenLength = col((r) => r.nw);
      columns.rejectedLength = col((r) => r.nl);
    }
    if (this.needGap) {
      columns.gap = col((r) => r.gap);
      for (const r of rows) {
        if (!Number.isNaN(r.gap)) this.rated++;
        for (const t of this.options.losses) {
          const why = lossInvalidReason(t, r.gap);
          if (why === undefined) continue;
          const counts = (this.invalidByLoss[t] ??= {});
          counts[why] = (counts[why] ?? 0) + 1;
        }
      }
    }
    const result = this.engine.dpoLosses(columns, { ...this.options, bcoRunningState: this.bco });
    this.bco = result.bcoRunningState;
    this.evaluated += rows.length;
    this.metrics.add(result, columns.policyChosen as Float64Array, columns.policyRejected as Float64Array);
    if (this.writer) await this.writer.write(rows.map((r, i) => outputRow(r.index, result, i, this.options.losses)));
    for (let i = 0; i < rows.length; i++) this.tally.written(this.writer ? 1 : 0);
  }
}

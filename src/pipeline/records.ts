// Records as plain objects, for library users who want values rather than rows: every record is read, checked and
// counted by the one data path (framing, the indexRecords kernel, the format adapters), then decoded from its
// columns. Runtime neutral.
import { EX_NONE, EXCLUSION_OF_CODE } from '../io/adapt.js';
import { cellValue } from '../io/encode.js';
import { Key, type Reject } from '../io/records.js';
import type { ExclusionReason, Text } from '../io/types.js';
import { Job, type JobHooks, type JobInput, type ReadSettings } from './job.js';
import type { RunEngine } from './tasks.js';

/** A candidate set (formats candidates, onpolicy, ultrafeedback). */
export interface CandidateRecord {
  kind: 'candidates';
  /** 0-based record number; 1-based physical line (Parquet: row). */
  index: number;
  line: number;
  id?: string | number;
  prompt: Text;
  responses: Text[];
  /** null for an excluded candidate (see `excluded`). */
  scores: (number | null)[];
  excluded?: Map<number, ExclusionReason>;
  /** The `policy_logps` / `reference_logps` values as written (sequence sums or per-token lists). */
  policyLogps?: unknown[];
  referenceLogps?: unknown[];
  conversational: boolean;
}

/** A preference pair (formats pairs, hh-rlhf). */
export interface PairRecord {
  kind: 'pair';
  index: number;
  line: number;
  id?: string | number;
  prompt: Text;
  chosen: Text;
  rejected: Text;
  /** Present when the input has the field (null when its value is null or not finite). */
  scoreChosen?: number | null;
  scoreRejected?: number | null;
  /** The prompt was split off as the shared prefix of chosen and rejected. */
  implicitPrompt: boolean;
  conversational: boolean;
}

export type InputRecord = CandidateRecord | PairRecord;

const POLICY = new Key('policy_logps');
const REFERENCE = new Key('reference_logps');

/** The records of an input, batch by batch, with the batch's rejects; counts go to the returned job's tally. */
export async function* readRecords(engine: RunEngine, input: JobInput, read: ReadSettings, hooks: JobHooks = {}): AsyncGenerator<{ records: InputRecord[]; rejects: Reject[]; job: Job }> {
  let rejects: Reject[] = [];
  const job = new Job(engine, input, read, {
    ...hooks,
    rejects: async (rs) => {
      rejects.push(...rs);
      await hooks.rejects?.(rs);
    },
  });
  for await (const a of job.pass(true)) {
    const records: InputRecord[] = [];
    const { batch } = a;
    const buf = batch.buf;
    if (a.kind === 'candidates') {
      const c = a.columns;
      for (let g = 0; g < c.groups; g++) {
        const s0 = c.off.a[g]!;
        const s1 = c.off.a[g + 1]!;
        const rec: CandidateRecord = {
          kind: 'candidates',
          index: c.index.a[g]!,
          line: c.line.a[g]!,
          prompt: cellValue(c.cells, c.prompt.a[g]!, buf) as Text,
          responses: [],
          scores: [],
          conversational: c.conversational.a[g] === 1,
        };
        if (c.id.a[g]! >= 0) rec.id = cellValue(c.cells, c.id.a[g]!, buf) as string | number;
        for (let i = s0; i < s1; i++) {
          rec.responses.push(cellValue(c.cells, c.resp.a[i]!, buf) as Text);
          const x = c.excl.a[i]!;
          rec.scores.push(x === EX_NONE ? c.score.a[i]! : null);
          if (x !== EX_NONE) (rec.excluded ??= new Map()).set(i - s0, EXCLUSION_OF_CODE[x]!);
        }
        const r = c.rec.a[g]!;
        for (const [key, field] of [
          [POLICY, 'policyLogps'],
          [REFERENCE, 'referenceLogps'],
        ] as const) {
          const m = batch.member(r, key);
          if (m < 0) continue;
          const v = batch.decode(batch.index.valS[m]!, batch.index.valE[m]!);
          if (Array.isArray(v)) rec[field] = v;
        }
        records.push(rec);
      }
    } else {
      const c = a.columns;
      for (let g = 0; g < c.groups; g++) {
        const rec: PairRecord = {
          kind: 'pair',
          index: c.index.a[g]!,
          line: c.line.a[g]!,
          prompt: cellValue(c.cells, c.prompt.a[g]!, buf) as Text,
          chosen: cellValue(c.cells, c.chosen.a[g]!, buf) as Text,
          rejected: cellValue(c.cells, c.rejected.a[g]!, buf) as Text,
          implicitPrompt: c.implicitPrompt.a[g] === 1,
          conversational: c.conversational.a[g] === 1,
        };
        if (c.id.a[g]! >= 0) rec.id = cellValue(c.cells, c.id.a[g]!, buf) as string | number;
        const sc = c.scoreChosen.a[g]!;
        const sr = c.scoreRejected.a[g]!;
        if (c.hasScoreChosen.a[g]) rec.scoreChosen = Number.isFinite(sc) ? sc : null;
        if (c.hasScoreRejected.a[g]) rec.scoreRejected = Number.isFinite(sr) ? sr : null;
        records.push(rec);
      }
    }
    const out = { records, rejects, job };
    rejects = [];
    yield out;
  }
}

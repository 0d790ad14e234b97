// One chunk of prompts (CSR columns of usable candidates) -> pair columns: transform, per-prompt statistics,
// construction, raw scores, margins and implicit margins. Used by both the fast byte path and the record path.
import { constructPairs, type ConstructOptions, type ConstructReport, type DropReason, type Strategy } from './construct.js';
import type { GroupEngine } from './group-engine.js';
import { applyTransform, type Transform } from './transform.js';
import { exactAdd } from '../numeric.js';

export interface CandidateChunk {
  /** Record index (0-based in the input) of each group. */
  promptIndex: Int32Array;
  /** CSR offsets over the usable candidates (length groups + 1). */
  offsets: Int32Array;
  /** Raw finite scores of the usable candidates. */
  scores: Float64Array;
  /** Index of each usable candidate in its record's candidate list. */
  candidateIndex: Int32Array;
  /** Implicit reward per usable candidate (NaN where log-probs are missing); absent when the input has none. */
  rewards?: Float64Array;
}

export interface PairsOptions extends ConstructOptions {
  transform?: Transform;
}

export interface PairRows {
  n: number;
  strategy: Strategy;
  /** Group within the chunk. */
  group: Int32Array;
  promptIndex: Int32Array;
  chosenIndex: Int32Array;
  rejectedIndex: Int32Array;
  /** Position within the group's usable candidates (to find the text of a candidate). */
  chosenSlot: Int32Array;
  rejectedSlot: Int32Array;
  scoreChosen: Float64Array;
  scoreRejected: Float64Array;
  margin: Float64Array;
  /** rewards[chosen] - rewards[rejected]; null when the input has no log-probs. */
  implicitMargin: Float64Array | null;
  chosenPosition: (string | null)[];
  rejectedPosition: (string | null)[];
}

export interface ChunkPairs {
  rows: PairRows;
  report: ConstructReport;
  /** Candidates the transform cannot take (logit of a score outside [0, 1]): excluded, like a null score. */
  outOfRange: number;
  /** Per group: pairs emitted, and why there are none. */
  groupPairs: Int32Array;
  noPair: (DropReason | null)[];
}

/** Empty construct report (for merging). */
export function emptyReport(): ConstructReport {
  return { prompts: 0, promptsWithPair: 0, pairs: 0, promptsWithoutPair: {}, pairsDropped: {}, fallbackUsed: 0, smallPrompts: 0, rejectedNotMin: 0, rejectedZ: [] };
}

/** Adds `b` into `a`. */
export function mergeReport(a: ConstructReport, b: ConstructReport): void {
  for (const k of ['prompts', 'promptsWithPair', 'pairs', 'fallbackUsed', 'smallPrompts', 'rejectedNotMin'] as const) a[k] += b[k];
  for (const z of b.rejectedZ) exactAdd(a.rejectedZ, z);
  for (const m of ['promptsWithoutPair', 'pairsDropped'] as const) {
    for (const [r, v] of Object.entries(b[m])) a[m][r as keyof ConstructReport[typeof m]] = (a[m][r as keyof ConstructReport[typeof m]] ?? 0) + (v ?? 0);
  }
}

/** Keeps the candidates whose transformed value is not NaN (removes the others from every column). */
function dropInvalid(chunk: CandidateChunk, values: Float64Array, invalid: readonly number[]): { chunk: CandidateChunk; values: Float64Array } {
  const bad = new Uint8Array(values.length);
  for (const i of invalid) bad[i] = 1;
  const keep: number[] = [];
  const groups = chunk.offsets.length - 1;
  const off = new Int32Array(groups + 1);
  for (let g = 0; g < groups; g++) {
    for (let i = chunk.offsets[g]!; i < chunk.offsets[g + 1]!; i++) if (!bad[i]) keep.push(i);
    off[g + 1] = keep.length;
  }
  const pick = <T extends Float64Array | Int32Array>(a: T, C: { from(x: number[], f: (i: number) => number): T }): T => C.from(keep, (i) => a[i]!);
  return {
    chunk: {
      promptIndex: chunk.promptIndex,
      offsets: off,
      scores: pick(chunk.scores, Float64Array),
      candidateIndex: pick(chunk.candidateIndex, Int32Array),
      rewards: chunk.rewards && pick(chunk.rewards, Float64Array),
    },
    values: pick(values, Float64Array),
  };
}

/** Pairs of one chunk. Candidates the transform cannot take are excluded (counted in outOfRange). */
export function pairsForChunk(engine: GroupEngine, chunk: CandidateChunk, opts: PairsOptions): ChunkPairs {
  const t = applyTransform(chunk.scores, chunk.offsets, opts.transform ?? 'none', engine, opts.std);
  let values = t.values;
  if (t.invalid.length > 0) ({ chunk, values } = dropInvalid(chunk, values, t.invalid));
  const offsets = chunk.offsets;
  const { pairs, report, noPair } = constructPairs(engine, values, offsets, opts, chunk.promptIndex);
  const groupPairs = new Int32Array(offsets.length - 1);
  for (let i = 0; i < pairs.n; i++) groupPairs[pairs.group[i]!]!++;
  const n = pairs.n;
  const rows: PairRows = {
    n,
    strategy: opts.strategy,
    group: pairs.group,
    promptIndex: new Int32Array(n),
    chosenIndex: new Int32Array(n),
    rejectedIndex: new Int32Array(n),
    chosenSlot: new Int32Array(n),
    rejectedSlot: new Int32Array(n),
    scoreChosen: new Float64Array(n),
    scoreRejected: new Float64Array(n),
    margin: new Float64Array(n),
    implicitMargin: chunk.rewards ? new Float64Array(n) : null,
    chosenPosition: pairs.chosenPosition,
    rejectedPosition: pairs.rejectedPosition,
  };
  for (let i = 0; i < n; i++) {
    const g = pairs.group[i]!;
    const s = offsets[g]!;
    const c = s + pairs.chosen[i]!;
    const r = s + pairs.rejected[i]!;
    rows.promptIndex[i] = chunk.promptIndex[g]!;
    rows.chosenSlot[i] = pairs.chosen[i]!;
    rows.rejectedSlot[i] = pairs.rejected[i]!;
    rows.chosenIndex[i] = chunk.candidateIndex[c]!;
    rows.rejectedIndex[i] = chunk.candidateIndex[r]!;
    rows.scoreChosen[i] = chunk.scores[c]!;
    rows.scoreRejected[i] = chunk.scores[r]!;
    rows.margin[i] = chunk.scores[c]! - chunk.scores[r]!;
    if (rows.implicitMargin) rows.implicitMargin[i] = chunk.rewards![c]! - chunk.rewards![r]!;
  }
  return { rows, report, outOfRange: t.invalid.length, groupPairs, noPair };
}

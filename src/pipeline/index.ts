// The curation pipeline's public API (runtime neutral): the commands as library functions over any re-openable byte
// source and row sinks, and the building blocks they are made of.
export { curate, type CurateInput, type CurateOptions, type CurateResult } from './api.js';
export { runPairs, type PairsRunOptions, type RunResult, type RunEngine } from './run-pairs.js';
export { runSelect, type SelectRunOptions, type SelectSinks, type SelectRunResult, type PairNumbers } from './run-select.js';
export { runStats, type StatsRunOptions, type StatsRunResult } from './run-stats.js';
export { runConvert, type ConvertRunOptions } from './run-convert.js';
export { runAugment } from './run-augment.js';
export { runRoute, type RouteRunOptions } from './run-route.js';
export { Job, FormatDetectionError, type JobInput, type JobHooks, type ReadSettings } from './job.js';
export { MemorySink, type RowSink } from './emit.js';
export { UsageError } from './errors.js';
export { MemorySpool, type Spool, type SpoolFactory } from '../io/spool.js';
export { constructPairs, STRATEGIES, type Strategy, type ConstructOptions, type ConstructResult, type ConstructReport, type DropReason } from './construct.js';
export { pairsForChunk, type CandidateChunk, type PairsOptions, type PairRows } from './pairs.js';
export type { RewardOptions } from './candidates.js';
export { groupEngineOf, type GroupEngine } from './group-engine.js';
export { GRID_POSITIONS } from './positions.js';
export { applyTransform, TRANSFORMS, type Transform } from './transform.js';
export { externalMargin, implicitMargin } from './margins.js';
export { calibrate, searchUpper, type Calibration, type CalibrationOptions, type Missing } from './calibrate.js';
export { fuseLogit, officialProduct, FUSION_EPS } from './fusion.js';
export { selectPairs, fractionCount, resolveBy, SELECT_BY, type SelectBy, type SelectByOption, type SelectOptions, type SelectResult } from './select.js';
export { ratingGapWeights, gapWeight } from './weights.js';
export { augmentInto, augmentRow, renderGoal, formatGoal, PAPER_TEMPLATE, type AugmentOptions, type AugmentOut, type Placement } from './augment.js';
export { routePairs, sftRow, type RouteOptions, type RouteResult } from './route.js';
// Batches as units of work: a pool of workers (Node: ThreadPool in pairsmith/node; browsers: Web Workers running
// batchWorker over STAGES) runs a pass's batches; the rows are the same wherever they run.
export { batchWorker, runEngineOf, type BatchPool, type BatchBytes, type BatchOutcome, type PassSpec, type Stage } from './tasks.js';
export { STAGES } from './stages.js';
// Exact merges of sharded select/curate runs (partial results: rows + margins files).
export { mergePartials, MergeError, type PartialInput } from './merge.js';

// The pairs-and-selection pipeline's public API (runtime neutral).
export { constructPairs, STRATEGIES, type Strategy, type ConstructOptions, type ConstructResult, type ConstructReport, type DropReason } from './construct.js';
export { pairRowsFromRecords, chunkFromRecords, type CandidateLike, type RewardOptions, type PairRow } from './candidates.js';
export { pairsForChunk, type CandidateChunk, type PairsOptions, type PairRows } from './pairs.js';
export { groupEngineOf, type GroupEngine } from './group-engine.js';
export { GRID_POSITIONS } from './positions.js';
export { applyTransform, logitClamped, TRANSFORMS, type Transform } from './transform.js';
export { externalMargin, implicitMargin } from './margins.js';
export { calibrate, searchUpper, type Calibration, type CalibrationOptions, type Missing } from './calibrate.js';
export { fuseLogit, clippedLogit, sigmoid, officialProduct, FUSION_EPS } from './fusion.js';
export { selectPairs, fractionCount, SELECT_BY, type SelectBy, type SelectOptions, type SelectResult } from './select.js';
export { ratingGapWeights, gapWeight } from './weights.js';
export { augmentRow, renderGoal, formatGoal, PAPER_TEMPLATE, type AugmentOptions, type Placement } from './augment.js';
export { routePairs, sftRow, type RouteOptions, type RouteResult } from './route.js';
export { rowMargins, selectRows, augmentRows, routeRows, weightRows, type Row } from './rows.js';

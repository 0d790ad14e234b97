// The plain data a report is rendered from. Everything here is numbers, strings and arrays, so a report can be
// built by the CLI, by a library user, or from JSON; renderReport(data) turns it into one HTML page.

/** One prompt's candidate pool as read from a candidates file. */
export interface PromptPool {
  /** 0-based input record number. */
  promptIndex: number;
  /** The prompt text (or a short form of it); shown in small multiples, always escaped. */
  label?: string;
  /** Scores on the analysis scale (after any --transform); non-finite entries are excluded and counted. */
  scores: ArrayLike<number>;
  /** Raw input scores, when a transform was applied (for the chosen/rejected tables in input units). */
  raw?: ArrayLike<number>;
  /** Chosen candidate (0-based in `scores`) when a pairs file says so; default: the maximum. */
  chosen?: number;
  /** Rejected candidate when a pairs file says so; default: the candidate nearest mu + k sigma (k = -2). */
  rejected?: number;
  /** The prompt has no pair (e.g. a pairs file has no row for it): it counts for the pool statistics only. */
  noPair?: boolean;
}

/** Distribution summary in the format of Pan et al. Table 5. `count` 0 means the other fields are NaN. */
export interface Summary {
  count: number;
  mean: number;
  std: number;
  min: number;
  p25: number;
  median: number;
  p75: number;
  max: number;
}

/** What the report shows for one prompt in the small multiples. */
export interface PoolView {
  promptIndex: number;
  label: string;
  /** Scores as given, analysis scale (non-finite entries stay, so indices match the input; charts skip them). */
  scores: number[];
  mu: number;
  sigma: number;
  /** Chosen and rejected candidate (indices into `scores`), -1 when the prompt has no pair. */
  chosen: number;
  rejected: number;
  min: number;
}

/** Per-prompt distributions: only present when the input has candidate pools. */
export interface PoolSection {
  prompts: number;
  candidates: number;
  /** Candidates left out because their score was null/NaN/Inf. */
  excludedNonFinite: number;
  /** Prompts without a usable pool, by reason (`insufficient_samples`, `no_spread`, `invalid_pick`). */
  skipped: Record<string, number>;
  /** Prompts whose pool has >= 2 finite scores and sigma > 0. */
  analysed: number;
  /** Rejected position used for the sweet-spot comparison: mu + k sigma. */
  rejectedK: number;
  std: 'population' | 'sample';
  /** Prompts where the sweet-spot rejected (nearest mu + k sigma) is not the minimum. */
  sweetDiffersFromMin: number;
  /** Prompts whose minimum lies below mu - 2 sigma. */
  minBelow2Sigma: number;
  /** z-score of every analysed candidate. */
  z: number[];
  /** Per analysed prompt: z of the minimum, and of the sweet-spot rejected. */
  zMin: number[];
  zSweet: number[];
  zMinSummary: Summary;
  zSweetSummary: Summary;
  /** Prompts with two or more candidates sharing the top score. */
  topTies: number;
  /** A sample of pools for the small multiples. */
  sample: PoolView[];
}

/** Chosen/rejected statistics, from pools or from a pairs file. */
export interface PairSection {
  pairs: number;
  chosen: number[];
  rejected: number[];
  gap: number[];
  chosenSummary: Summary;
  rejectedSummary: Summary;
  gapSummary: Summary;
  /** Same in raw input units, when a transform was applied. */
  chosenRawSummary?: Summary;
  rejectedRawSummary?: Summary;
  /** Rank of the chosen in its pool (1 = best; ties share the better rank), when pools are known. */
  chosenRank?: number[];
  /** Chosen's percentile in its pool: share of the other candidates scoring strictly below it. */
  chosenPercentile?: number[];
  /**
   * Low-quality chosen (Pan et al.: they cap what DPO can reach): pairs whose chosen scores below `threshold`,
   * the median of all candidate scores (pairs alone: of all chosen and rejected scores).
   */
  lowChosen?: { threshold: number; count: number };
  /** Pairs with gap exactly 0, and with 0 < gap < tieEpsilon. */
  ties: number;
  nearTies: number;
  tieEpsilon: number;
}

/** One margin distribution of the selection step. */
export interface MarginSeries {
  key: 'external' | 'implicit' | 'fused' | string;
  label: string;
  /** Axis title with unit. */
  unit: string;
  values: number[];
  /** Values of the kept pairs (drawn over the distribution of all pairs). */
  keptValues?: number[];
  /** The kept threshold: pairs at or above it were kept. */
  threshold?: number;
  kept?: number;
}

export interface RoutingSection {
  dpo: number;
  sft: number;
  /** Margin threshold used (pairs below it went to SFT). */
  threshold?: number;
  /** Of the SFT pairs, how many were exact ties. */
  sftTies?: number;
}

export interface ReportData {
  title: string;
  /** Input paths as given. */
  sources: string[];
  /** ISO time the report was made. */
  generatedAt: string;
  /** Name of the analysis scale with its unit, e.g. "logit(score)". */
  scoreLabel: string;
  /** Name of the raw input scale, when a transform was applied. */
  rawLabel?: string;
  pools?: PoolSection;
  pairs?: PairSection;
  selection?: { margins: MarginSeries[]; rule?: string };
  routing?: RoutingSection;
  /** The run's manifest (counts, rejects by reason, parameters, backend), rendered as nested tables. */
  manifest?: Record<string, unknown>;
  /** Short notes shown at the top (e.g. what the input lacked). */
  notes?: string[];
}

// The plain data a report is rendered from (numbers, strings, arrays and typed arrays), so a page can be built by
// the CLI, by a library user or by hand; renderReport(data) turns it into one HTML page. Its size is bounded:
// per-candidate data are fixed-size histograms and samples, per-pair data a few numbers per pair.

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

/** Counts on a fixed grid: bin k is [lo + k * width, lo + (k + 1) * width). */
export interface FixedHistogram {
  lo: number;
  width: number;
  counts: number[];
  /** Values below lo / at or above the grid's end, and non-finite values: counted, not binned. */
  below: number;
  above: number;
  nonFinite: number;
}

/**
 * Counts of one or more series of values on shared equal bins, as a histogram chart draws them (charts.ts
 * binValues): bin k is [(i0 + k) * step, (i0 + k + 1) * step), k < bins, over the series' robust range [lo, hi]
 * (far outliers are counted, not binned). Its size is bounded (at most 400 bins) whatever the number of values.
 */
export interface BinnedHistogram {
  step: number;
  i0: number;
  bins: number;
  /** The interval the axis was made for (its ticks and the last bin's closed end). */
  lo: number;
  hi: number;
  /** Counts per series, each of length `bins`. */
  counts: number[][];
  /** Of the first series: values below and above the bins, and non-finite values. */
  below: number;
  above: number;
  nonFinite: number;
  /** The smallest and largest finite value of all series. */
  min: number;
  max: number;
  /** An exact pile of the first series: one value repeated in at least 10% of its values (e.g. a clamp bound). */
  pile?: { value: number; count: number };
}

/**
 * Counts of (x, y) points on a grid of nice bins over each axis' robust range (heatmap.ts heatmapGrid): cell
 * (a, b) is counts[a * yBins + b]. Bounded whatever the number of points.
 */
export interface HeatmapGrid {
  /** The robust ranges the axes were made for, and the bin counts asked for. */
  x: { lo: number; hi: number; bins: number };
  y: { lo: number; hi: number; bins: number };
  counts: number[];
  /** Points outside the axes, and points without a finite x or y. */
  outside: number;
  skipped: number;
}

/** What the report shows for one prompt in the small multiples. */
export interface PoolView {
  promptIndex: number;
  /** The prompt text (at most 600 characters; escaped when rendered). */
  label: string;
  /** Scores shown, analysis scale (all of the pool, or an even subset of a pool of more than 500). */
  scores: number[];
  /** Candidates in the pool (more than scores.length when a large pool was thinned). */
  candidates: number;
  mu: number;
  sigma: number;
  /** Chosen, rejected and minimum (indices into `scores`), -1 when not marked. */
  chosen: number;
  rejected: number;
  min: number;
}

/** Per-prompt distributions: only present when the input has candidate pools. */
export interface PoolSection {
  prompts: number;
  candidates: number;
  /** Candidates left out because their score was null/NaN/Inf (or out of the transform's range). */
  excludedNonFinite: number;
  /** Prompts without a usable pool, by reason (`insufficient_samples`, `no_spread`, `spread_underflow`, `invalid_pick`). */
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
  /** z-scores of every candidate of the analysed prompts, on the fixed z grid. */
  z: FixedHistogram;
  /** Per analysed prompt: z of the minimum and of the sweet-spot rejected, on the same grid. */
  zMin: FixedHistogram;
  zSweet: FixedHistogram;
  zMinSummary: Summary;
  zSweetSummary: Summary;
  /** Prompts with two or more candidates sharing the top score. */
  topTies: number;
  /** Median of all finite candidate scores; exact when `medianExact`, else of a hashed sample (CollectorOptions.scoreSample). */
  medianScore: number;
  medianExact: boolean;
  /** A bounded sample of pools for the small multiples. */
  sample: PoolView[];
}

/** Chosen/rejected statistics, from pools or from a pairs file, over the pairs with both scores finite. */
export interface PairSection {
  pairs: number;
  /** Histograms of the chosen and rejected scores and of the gap chosen - rejected (binned over their robust range). */
  chosenHist?: BinnedHistogram;
  rejectedHist?: BinnedHistogram;
  /** The gap's non-finite values are the pairs whose difference overflows (counted in gapOverflow). Absent: no finite value. */
  gapHist?: BinnedHistogram;
  /** Chosen score against gap, per pair. */
  chosenGap: HeatmapGrid;
  chosenSummary: Summary;
  rejectedSummary: Summary;
  /** chosen - rejected; pairs where it overflows (+-Infinity) are counted in gapOverflow and left out. */
  gapSummary: Summary;
  gapOverflow: number;
  /** Same in raw input units, when a transform was applied. */
  chosenRawSummary?: Summary;
  rejectedRawSummary?: Summary;
  /**
   * Rank of the chosen in its pool (1 = best; ties share the better rank), when pools are known: pairs with the
   * chosen at rank 1 to 10 (entries 0 to 9), and below rank 10 (entry 10).
   */
  chosenRanks?: number[];
  /**
   * Low-quality chosen (Pan et al.: they cap what DPO can reach): pairs whose chosen scores below `threshold`,
   * the median of all candidate scores (pairs alone: of all chosen and rejected scores).
   */
  lowChosen?: { threshold: number; count: number };
  /** Pairs with gap exactly 0, and with 0 < |gap| < tieEpsilon. */
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
  /** The distribution of all pairs' finite values (series 0) and, with a selection, of the kept pairs' (series 1). */
  hist: BinnedHistogram;
  /** Pairs with a finite value of this margin. */
  count: number;
  /** The kept threshold: the smallest kept value of the margin that was ranked. */
  threshold?: number;
  kept?: number;
  /** Pairs without a finite value of this margin. */
  missing: number;
}

export interface SelectionSection {
  margins: MarginSeries[];
  rule?: string;
  /** The margin the selection ranked by (external, implicit, fused), never `auto`. */
  by?: string;
}

export interface RoutingSection {
  dpo: number;
  sft: number;
  /** Margin threshold used (pairs below it went to SFT). */
  threshold?: number;
  /** Of the SFT pairs, how many were exact ties. */
  sftTies?: number;
}

/** Chosen vs rejected length in one unit (characters or tokens). */
export interface LengthStats {
  unit: 'characters' | 'tokens';
  /** Pairs with both lengths known. */
  pairs: number;
  chosen: Summary;
  rejected: Summary;
  /** chosen - rejected length. */
  gap: Summary;
  longer: number;
  equal: number;
  shorter: number;
  /** The length gap's histogram, and length gap against margin (pairs with a finite margin). */
  gapHist?: BinnedHistogram;
  /** Absent when no pair has a finite margin. */
  gapMargin?: HeatmapGrid;
  /** Correlation of length gap and margin over the pairs with a finite margin (null: fewer than 3, or no spread). */
  pearson: number | null;
  spearman: number | null;
  corrPairs: number;
  /** Pairs Spearman's rho was computed on when it comes from a hashed sample of them (more than 262,144 pairs). */
  spearmanSample?: number;
}

export interface LengthSection {
  /** What "margin" is in the correlation, with its unit. */
  marginLabel: string;
  stats: LengthStats[];
}

/** Response or prompt text, cut to a fixed number of characters (Unicode code points). */
export interface TextCell {
  text: string;
  /** Length of the full text in code points. */
  chars: number;
  truncated: boolean;
}

export interface ExampleRow {
  promptIndex: number;
  /** The key the table is ordered by (the margin; for sweet-spot examples z(sweet) - z(min)). */
  key: number;
  chosenScore: number;
  rejectedScore: number;
  minScore?: number;
  /** select's rank when known: > 0 kept (its rank), 0 dropped. */
  selected?: number;
  prompt: TextCell;
  chosen: TextCell;
  rejected: TextCell;
  min?: TextCell;
}

export interface ExampleBucket {
  id: 'high' | 'low' | 'sweet' | 'first';
  title: string;
  /** What the key column holds, with its unit. */
  keyLabel: string;
  rows: ExampleRow[];
}

export interface ExampleSection {
  buckets: ExampleBucket[];
  /** Characters kept per text. */
  textCap: number;
}

/** A rejected input record (the first ones are listed). */
export interface RejectInfo {
  file: string;
  /** 1-based line (Parquet: row). */
  line: number;
  field: string | null;
  reason: string;
  detail: string;
}

export interface RejectSection {
  total: number;
  shown: RejectInfo[];
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
  /** Analysis-scale values that are clamp bounds (e.g. +-13.8 for the logit): piles there are labelled "clamp". */
  clamps?: number[];
  pools?: PoolSection;
  pairs?: PairSection;
  selection?: SelectionSection;
  routing?: RoutingSection;
  lengths?: LengthSection;
  examples?: ExampleSection;
  rejects?: RejectSection;
  /** The run's manifest (counts, rejects by reason, parameters, backend), rendered folded as nested tables. */
  manifest?: Record<string, unknown>;
  /** Short notes shown at the top (what the input lacked, non-finite and extreme values). */
  notes?: string[];
}

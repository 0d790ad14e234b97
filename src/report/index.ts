// The data report: a streaming collector reduces candidate pools and pair rows to bounded summaries (computed on
// the engine it is given); renderReport turns the collected data into one self-contained HTML page.
export { ReportCollector, ROUTE } from './collector.js';
export type { CollectorOptions, PairColumns, PairText, PoolChunk, PoolText, PromptSummaries, ReportMeta, SelectionColumns } from './collector.js';
export type { CollectorState } from './state.js';
export { buildReportData, charCount, pairColumnsOf, poolChunkOf } from './build.js';
export type { BuildOptions, PairRowInput, PromptPool, ReportInput } from './build.js';
export { summarize, summaryOf } from './summary.js';
export type { ReportKernels } from './summary.js';
export { renderReport } from './html.js';
export { barChart, binSeries, histogram, smallMultiples, stripPlot } from './charts.js';
export { heatmap, heatmapGrid } from './heatmap.js';
export type { HeatmapOptions } from './heatmap.js';
export type { BarItem, HistogramOptions, HistogramSeries, PoolPlot, RefLine } from './charts.js';
export { esc, fmt } from './format.js';
export type {
  BinnedHistogram,
  ExampleBucket,
  ExampleRow,
  ExampleSection,
  FixedHistogram,
  HeatmapGrid,
  LengthSection,
  LengthStats,
  MarginSeries,
  PairSection,
  PoolSection,
  PoolView,
  RejectInfo,
  RejectSection,
  ReportData,
  RoutingSection,
  SelectionSection,
  Summary,
  TextCell,
} from './types.js';

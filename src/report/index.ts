// The data report: derive numbers from per-prompt scores, render one self-contained HTML page with SVG charts.
export { analysePools, pairSection, summarize } from './derive.js';
export type { DeriveOptions, PairScores, PoolKernels } from './derive.js';
export { renderReport } from './html.js';
export { buildReportData, pairsFromRows, routingFromRows, selectionFromRows } from './build.js';
export type { BuildOptions, PairRowInput, ReportInput } from './build.js';
export { barChart, histogram, smallMultiples, stripPlot } from './charts.js';
export type { BarItem, HistogramOptions, HistogramSeries, PoolPlot, RefLine } from './charts.js';
export { esc, fmt } from './format.js';
export type { MarginSeries, PairSection, PoolSection, PoolView, PromptPool, ReportData, RoutingSection, Summary } from './types.js';

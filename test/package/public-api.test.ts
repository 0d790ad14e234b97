// The public index, pinned (STYLE Decision 10; hyparquet does the same): the names each entry exports, values and
// types. A new or removed export fails here, so changing the public surface is a deliberate edit of these lists
// (and of the README's "Library" section). Checked on the sources (runtime names by import, type names with the
// TypeScript checker) and on the built ES and CommonJS entries.
// TODO(integration): the lists hold today's names; they are finalised when the parallel branches are merged.
import { createRequire } from 'node:module';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** Values of the runtime-neutral entry `pairsmith` (browsers, edge runtimes, bundlers). */
const CORE_VALUES = [
  'BACKENDS', 'BadRecordError', 'DEFAULT_FIELDS', 'DEFAULT_MAX_RECORD_BYTES', 'DpoMetricsAccumulator',
  'EXCLUSION_REASONS', 'EngineUnusableError', 'FORMATS', 'FUSION_EPS', 'F_DIVERGENCES', 'FieldProblem',
  'FormatDetectionError', 'Framer', 'FramingError', 'GRID_POSITIONS', 'Job', 'JsonSyntaxError', 'KernelError',
  'LOGP_FIELDS', 'LOSS_TYPES', 'LossRowChecker', 'MemoryCapError', 'MemorySink', 'MemorySpool', 'MergeError',
  'PAPER_TEMPLATE', 'RATING_LOSSES', 'REJECT_REASONS', 'ROUTE', 'ReportCollector', 'SELECT_BY', 'STAGES',
  'STRATEGIES', 'TARGETS', 'TRANSFORMS', 'TRL_VERSIONS', 'Tally', 'UsageError', 'VERSION', 'WasmAbortError', 'applyTransform',
  'asText', 'augmentInto', 'augmentRow', 'batchWorker', 'binSeries', 'buildManifest', 'buildPreferenceMatrix', 'buildReportData', 'calibrate',
  'candidatesSchema', 'cleanPreferences', 'constructPairs', 'createEngine', 'createEngineSync', 'curate',
  'defaultBinaryUrl', 'describeType', 'detectFormat', 'dpoMetrics', 'externalMargin', 'formatGoal', 'formatPosition',
  'fractionCount', 'fuseLogit', 'gapWeight', 'getPath', 'groupEngineOf', 'hasPath', 'heatmapGrid', 'hhSchema', 'implicitMargin',
  'ktoSchema', 'mergePartials', 'naiveScores', 'officialProduct', 'onpolicySchema', 'pairColumnsOf', 'pairsForChunk',
  'parseHhDialogue', 'parseJson', 'parsePosition', 'poolChunkOf', 'promptMessages', 'promptString',
  'ratingGapWeights', 'referenceKernels', 'renderGoal', 'renderReport', 'resolveBy', 'responseMessages',
  'responseString', 'routePairs', 'runAugment', 'runConvert', 'runEngineOf', 'runPairs', 'runRoute', 'runSelect',
  'runStats', 'searchUpper', 'selectPairs', 'sequenceLogpColumns', 'sftRow', 'splitHh', 'splitPath', 'trlSchema',
  'wasmSimdSupported',
];

/** Type-only exports of `pairsmith`. */
const CORE_TYPES = [
  'AdapterOptions', 'AllocOptions', 'AugmentOptions', 'AugmentOut', 'Backend', 'BatchBytes', 'BatchOutcome', 'BatchPool', 'BcoRunningState',
  'BinarySource', 'BinnedHistogram', 'BuildOptions', 'Calibration', 'CalibrationOptions', 'CandidateChunk', 'CleanOptions',
  'CleanResult', 'CollectorOptions', 'CollectorState', 'Column', 'ColumnSpec', 'ColumnType', 'ConstructOptions', 'ConstructReport',
  'ConstructResult', 'ConvertRunOptions', 'CountedRow', 'CurateInput', 'CurateOptions', 'CurateResult', 'Detection',
  'DpoMetrics', 'DropReason', 'Engine', 'EngineOptions', 'EnginePort', 'ExclusionReason', 'FDivergence', 'FieldOverrides',
  'FloatArray', 'FormatName', 'FramingMode', 'GemmOptions', 'GroupEngine', 'GroupStats', 'GroupStatsOptions',
  'GroupStatsOut', 'HeatmapGrid', 'ImplicitRewardsOptions', 'JobHooks', 'JobInput', 'Kernels', 'LogpValue',
  'LossColumns', 'LossOptions', 'LossResult', 'LossRow', 'LossType', 'Manifest', 'ManifestInput', 'MeanStd',
  'MemoryInfo', 'Message', 'Missing', 'OnError', 'PairColumns', 'PairNumbers', 'PairRowInput', 'PairRows',
  'PairsOptions', 'PairsRunOptions', 'PartialInput', 'PassSpec', 'PickOptions', 'Placement', 'PoolChunk', 'Position',
  'PositionInput', 'PreferenceMatrix', 'PromptPool', 'ReadSettings', 'Reduce', 'Reject', 'RejectReason', 'ReportData',
  'ReportInput', 'ReportMeta', 'ResidentBuffer', 'ResolvedRpcaOptions', 'RewardOptions', 'RouteOptions',
  'RouteResult', 'RouteRunOptions', 'RowAdapter', 'RowSink', 'RpcaBatchResult', 'RpcaMethod', 'RpcaOptions',
  'RpcaResult', 'RpcaSvd', 'RunEngine', 'RunResult', 'ScoreMode', 'SelectBy', 'SelectByOption', 'SelectOptions',
  'SelectResult', 'SelectRunOptions', 'SelectRunResult', 'SelectSinks', 'SequenceLogpsOptions', 'SequenceRewardsOptions', 'Spool',
  'SpoolFactory', 'Stage', 'StatsRunOptions', 'StatsRunResult', 'Strategy', 'SumResult', 'SummedLogps', 'SvdResult',
  'Target', 'Text', 'Transform', 'TrlVersion',
];

/** What `pairsmith/node` (and `pairsmith` under Node) adds: engines that read build/*.wasm, dataset files. */
const NODE_VALUES = [
  'FileSpool', 'InputError', 'OUTPUT_KINDS', 'OutputError', 'Progress', 'ThreadPool', 'binaryPath', 'defaultThreads',
  'fileInput', 'inputKind', 'nodeIndexOf', 'openFileOutput', 'outputKind', 'parquetSchema', 'stdinInput', 'stdinOnce',
  'writeJsonFile', 'writeTextFile',
];
const NODE_TYPES = [
  'FileOutput', 'InputKind', 'NodeInput', 'OpenOptions', 'OutputKind', 'ThreadData',
];

/** What `pairsmith/embedded` adds. */
const EMBEDDED_VALUES = [
  'embeddedBinary',
];

const ENTRIES = {
  'src/index.ts': { values: CORE_VALUES, types: CORE_TYPES, load: () => import('../../src/index.js') },
  'src/node.ts': {
    values: [...CORE_VALUES, ...NODE_VALUES],
    types: [...CORE_TYPES, ...NODE_TYPES],
    load: () => import('../../src/node.js'),
  },
  'src/embedded.ts': {
    values: [...CORE_VALUES, ...EMBEDDED_VALUES],
    types: CORE_TYPES,
    load: () => import('../../src/embedded.js'),
  },
};

const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('public index', () => {
  it.each(Object.entries(ENTRIES))('%s exports exactly the pinned values', async (_file, want) => {
    expect(sorted(Object.keys(await want.load()))).toEqual(sorted(want.values));
  });

  it('each entry exports exactly the pinned types (TypeScript checker)', () => {
    const files = Object.keys(ENTRIES);
    const program = ts.createProgram(files, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
    });
    const checker = program.getTypeChecker();
    for (const [file, want] of Object.entries(ENTRIES)) {
      const symbols = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)!)!);
      const isValue = (s: ts.Symbol) => ((s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s).flags & ts.SymbolFlags.Value) !== 0;
      expect(sorted(symbols.filter((s) => !isValue(s)).map((s) => s.name)), file).toEqual(sorted(want.types));
      expect(sorted(symbols.filter(isValue).map((s) => s.name)), file).toEqual(sorted(want.values));
    }
  }, 30_000);

  it('the built entries match: dist/index.js, dist/node.js, dist/embedded.js and the CommonJS bundle', async () => {
    const load = (f: string) => import(/* @vite-ignore */ new URL(`../../dist/${f}`, import.meta.url).href) as Promise<object>;
    expect(sorted(Object.keys(await load('index.js')))).toEqual(sorted(CORE_VALUES));
    expect(sorted(Object.keys(await load('node.js')))).toEqual(sorted([...CORE_VALUES, ...NODE_VALUES]));
    expect(sorted(Object.keys(await load('embedded.js')))).toEqual(sorted([...CORE_VALUES, ...EMBEDDED_VALUES]));
    const cjs = createRequire(import.meta.url)('../../dist/cjs/pairsmith.cjs') as object;
    expect(sorted(Object.keys(cjs))).toEqual(sorted([...CORE_VALUES, ...NODE_VALUES]));
  });
});

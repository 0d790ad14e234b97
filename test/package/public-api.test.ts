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
  'ArraySplitter', 'BACKENDS', 'BadRecordError', 'DEFAULT_FIELDS', 'DpoMetricsAccumulator', 'EXCLUSION_REASONS',
  'EngineUnusableError', 'FORMATS', 'FUSION_EPS', 'F_DIVERGENCES', 'FieldProblem', 'FormatDetectionError',
  'GRID_POSITIONS', 'JsonSyntaxError', 'KernelError', 'LOGP_FIELDS', 'LOSS_TYPES', 'LineSplitter', 'LossRowChecker',
  'MemoryCapError', 'PAPER_TEMPLATE', 'RATING_LOSSES', 'REJECT_REASONS', 'RecordDecoder', 'RowDecoder', 'SELECT_BY',
  'STRATEGIES', 'TARGETS', 'TRANSFORMS', 'TRL_VERSIONS', 'Tally', 'VERSION', 'WasmAbortError', 'adaptRecord', 'analysePools',
  'applyTransform', 'asText', 'augmentRow', 'augmentRows', 'buildManifest', 'buildPreferenceMatrix',
  'buildReportData', 'calibrate', 'candidatesRow', 'candidatesSchema', 'chunkFromRecords', 'cleanPreferences',
  'clippedLogit', 'constructPairs', 'createEngine', 'createEngineSync', 'defaultBinaryUrl', 'describeType',
  'detectFormat', 'dpoMetrics', 'externalMargin', 'formatGoal', 'formatPosition', 'fractionCount', 'fuseLogit',
  'gapWeight', 'getPath', 'groupEngineOf', 'hasPath', 'hhRow', 'hhSchema', 'implicitMargin', 'ktoRows', 'ktoSchema',
  'logitClamped', 'maxMinPair', 'naiveScores', 'officialProduct', 'onpolicyRow', 'onpolicySchema', 'packScores',
  'pairOf', 'pairRowsFromRecords', 'pairsForChunk', 'parseHhDialogue', 'parseJson', 'parsePosition',
  'promptMessages', 'promptString', 'ratingGapWeights', 'referenceKernels', 'renderGoal', 'renderReport',
  'requireObject', 'responseMessages', 'responseString', 'routePairs', 'routeRows', 'rowMargins', 'searchUpper',
  'selectPairs', 'selectRows', 'sequenceLogpColumns', 'sftRow', 'sigmoid', 'splitHh', 'splitPath', 'stringifyJson',
  'trlRow', 'trlSchema', 'wasmSimdSupported', 'weightRows',
];

/** Type-only exports of `pairsmith`. */
const CORE_TYPES = [
  'AdapterOptions', 'AugmentOptions', 'Backend', 'BcoRunningState', 'BinarySource', 'BuildOptions', 'Calibration',
  'CalibrationOptions', 'CandidateChunk', 'CandidateLike', 'CandidateRecord', 'CleanOptions', 'CleanResult',
  'Column', 'ColumnSpec', 'ColumnType', 'ConstructOptions', 'ConstructReport', 'ConstructResult', 'CountedRow',
  'DecodeOptions', 'DecodedChunk', 'DecodedRows', 'Detection', 'DpoMetrics', 'DropReason', 'Engine', 'EngineOptions',
  'EnginePort',
  'ExclusionReason', 'FDivergence', 'FieldOverrides', 'FloatArray', 'FormatName', 'GemmOptions', 'GroupEngine',
  'GroupStats', 'GroupStatsOptions', 'GroupStatsOut', 'ImplicitRewardsOptions', 'InputRecord', 'Kernels', 'Logp',
  'LogpValue', 'LossColumns', 'LossOptions', 'LossResult', 'LossRow', 'LossType', 'Manifest',
  'ManifestInput', 'MeanStd', 'MemoryInfo', 'Message', 'Missing', 'OnError', 'OutputRow', 'Pair', 'PairRecord',
  'PairRow', 'PairRowInput', 'PairRows', 'PairsOptions', 'PickOptions', 'Placement', 'Position', 'PositionInput',
  'PreferenceMatrix', 'PromptPool', 'RawItem', 'Reduce', 'Reject', 'RejectReason', 'ReportData', 'ReportInput',
  'ResidentBuffer', 'ResolvedRpcaOptions', 'RewardOptions', 'RouteOptions', 'RouteResult', 'Row', 'RowAdapter',
  'RowDecodeOptions', 'RpcaBatchResult', 'RpcaMethod', 'RpcaOptions', 'RpcaResult', 'RpcaSvd', 'ScoreColumns',
  'ScoreMode', 'SelectBy', 'SelectOptions', 'SelectResult', 'SequenceLogpsOptions', 'SequenceRewardsOptions', 'Strategy',
  'SummedLogps', 'SumResult', 'SvdResult', 'Target', 'Text', 'Transform', 'TrlVersion',
];

/** What `pairsmith/node` (and `pairsmith` under Node) adds: engines that read build/*.wasm, dataset files. */
const NODE_VALUES = [
  'DEFAULT_CHUNK_SIZE', 'InputError', 'Progress', 'binaryPath', 'inputKind', 'jsonLines', 'openRejectsWriter',
  'openRowWriter', 'outputKind', 'parquetSchema', 'readRawItems', 'readRecords', 'readRows', 'rejectRow',
  'sidecarPaths', 'writeJsonAtomic', 'writeManifest',
];
const NODE_TYPES = [
  'InputKind', 'OutputKind', 'OutputOptions', 'ReadOptions', 'ReadRowsOptions', 'RecordChunk', 'RowWriter',
  'SourceOptions',
];

/** What `pairsmith/embedded` adds. */
const EMBEDDED_VALUES = ['embeddedBinary'];

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

// The page's worker: one engine (wasm-simd where the browser has it; the builds are inside the bundle, so nothing
// is fetched), format detection on the first bytes of a file, and curate runs through the library's one data path,
// reading the File in chunks (twice: pass 1 ranks, pass 2 writes) and writing Blobs. The page cancels a run by
// terminating the worker.
import { createEngine } from '../../src/embedded.js';
import { pipelineEngine } from '../../src/cli/engine-port.js';
import { buildManifest } from '../../src/io/manifest.js';
import { CurateReport } from '../../src/pipeline/report-feed.js';
import { runSelect, type SelectRunOptions } from '../../src/pipeline/run-select.js';
import { renderReport } from '../../src/report/index.js';
import { Job } from '../../src/pipeline/job.js';
import type { FormatName } from '../../src/io/types.js';
import cli from 'virtual:curate-cli';
import { installFdlibm } from './fdlibm.js';
import { curateSetup } from './options.js';
import type { FromWorker, Probe, ToWorker } from './protocol.js';
import { WebBatchPool } from './pool.js';
import { BlobParts, jsonlSink, opfsSpools, parquetSink, RejectsOut } from './sinks.js';
import { fileSource, framingOf, sniffKind } from './source.js';
import { TableBuilder } from './table-data.js';

interface WorkerScope {
  postMessage(m: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;
const post = (m: FromWorker, transfer?: Transferable[]): void => scope.postMessage(m, transfer);

// Math.log, log1p and exp as Node 20 computes them, so the numbers written equal the CLI's (see fdlibm.ts).
installFdlibm();

const engineReady = createEngine();
engineReady.then(
  (e) => post({ type: 'ready', backend: e.backend, simd: e.simdSupported, ...(e.fallbackReason ? { fallbackReason: e.fallbackReason } : {}) }),
  (e) => post({ type: 'error', message: `no engine: ${String((e as Error).message ?? e)}` }),
);

/** The format of a file as `auto` (or the given format) sees it in its first MiB (Parquet: its first 1000 rows). */
async function probe(m: Extract<ToWorker, { type: 'probe' }>): Promise<Probe> {
  const engine = pipelineEngine(await engineReady);
  const kind = await sniffKind(m.file);
  const src = fileSource(m.file, m.name, kind, framingOf(m.name, m.pasted), { firstBytes: 1 << 20, firstRows: 1000 });
  const out: Probe = { kind, size: m.file.size, records: 0 };
  const job = new Job(engine, src.input, { format: m.format as FormatName | 'auto', fields: m.fields }, {
    detected: (d) => {
      out.format = d.format;
      out.reason = d.reason;
    },
  });
  try {
    for await (const a of job.pass(true)) {
      void a;
      if (job.format !== undefined) break;
    }
    if (m.format !== 'auto') out.format = m.format;
    out.records = job.tally.recordsRead;
    if (out.format === undefined) out.error = 'no object record in the first MiB: the format is detected when the run starts';
  } catch (e) {
    out.error = (e as Error).message;
  }
  return out;
}

async function run(m: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const t0 = performance.now();
  const startedAt = new Date();
  const engine = await engineReady;
  const setup = curateSetup(m.values, cli);
  const problems = Object.values(setup.errors);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const kind = await sniffKind(m.file);
  const src = fileSource(m.file, m.name, kind, framingOf(m.name, m.pasted));
  const report = setup.report ? new CurateReport(engine, setup.reportTransform) : undefined;
  const table = new TableBuilder();
  const mainParts = new BlobParts();
  const pq = setup.outputKind === 'parquet' ? parquetSink(mainParts, { 'pairsmith.command': 'curate' }, table.rows) : undefined;
  const main = pq ?? jsonlSink(mainParts, table.bytes);
  const sftParts = setup.sft ? new BlobParts() : undefined;
  const rejects = new RejectsOut();
  const spools = setup.options.curate?.route ? await opfsSpools() : undefined;
  let records = 0;
  let last = 0;
  const tell = (force = false): void => {
    const now = performance.now();
    if (!force && now - last < 100) return;
    last = now;
    post({ type: 'progress', progress: { pass: src.progress.pass, bytes: src.progress.bytes, total: m.file.size, records, elapsedMs: now - t0 } });
  };
  const timer = setInterval(() => tell(), 250);
  // As the CLI: --threads n (default: the cores) is this worker and n - 1 batch workers; none for one thread or an
  // input of one batch (about 1 MiB).
  const threads = Math.min(setup.threads ?? (navigator.hardwareConcurrency || 1), Math.ceil(m.file.size / (1 << 20)));
  const pool = threads > 1 ? new WebBatchPool(threads - 1, engine.backend) : undefined;
  const { format, fields, score, onError, select, by, curate: steps, ...pairOptions } = setup.options;
  let result;
  try {
    // What curate() runs (src/pipeline/api.ts), with the batch workers.
    result = await runSelect(
      pipelineEngine(engine),
      src.input,
      { format: format ?? 'auto', fields, score, onError },
      {
        strategy: 'sweet-spot',
        ...(pairOptions as Partial<SelectRunOptions>),
        by: by ?? 'auto',
        select: select!,
        curate: steps ?? {},
        ...(report ? { onCandidates: report.add, onPairNumbers: report.addNumbers } : {}),
        ...(spools ? { spool: spools.factory } : {}),
      },
      { main, ...(sftParts ? { sft: jsonlSink(sftParts) } : {}) },
      {
        rejects: (rs) => rejects.add(rs),
        progress: (_bytes, n) => {
          records = n;
          tell();
        },
      },
      pool,
    );
  } finally {
    clearInterval(timer);
    await pool?.close();
    await spools?.release();
  }
  tell(true);
  pq?.finish();
  const r = result.report;
  if (r.route) (r.route as Record<string, unknown>).sft_output = setup.sft;
  const manifest = buildManifest({
    command: 'curate',
    inputs: [m.name],
    format: result.format,
    formatDetected: setup.options.format === 'auto' && result.detected !== undefined,
    output: setup.output,
    rejects: `${setup.output}.rejects.jsonl`,
    backend: engine.backend,
    parameters: setup.parameters,
    startedAt,
    endedAt: new Date(),
    tally: result.tally,
  });
  (manifest as typeof manifest & { report?: Record<string, unknown> }).report = r;
  const curateRoute = setup.options.curate?.route;
  // The page as `curate --report page.html` writes it (src/pipeline/report-feed.ts), with the run's first rejects.
  const html = report
    ? renderReport(
        report.finish({
          result,
          threshold: curateRoute && 'threshold' in curateRoute ? curateRoute.threshold : undefined,
          manifest: manifest as unknown as Record<string, unknown>,
          rejects: { head: rejects.head.slice(0, 50), total: rejects.count },
          input: m.name,
          generatedAt: new Date().toISOString(),
        }),
      )
    : undefined;
  const tableData = table.data();
  const names = {
    main: setup.output,
    sft: setup.sft ?? '',
    manifest: `${setup.output}.manifest.json`,
    rejects: `${setup.output}.rejects.jsonl`,
    report: setup.report ?? '',
  };
  post(
    {
      type: 'done',
      manifest: manifest as unknown as Record<string, unknown>,
      outputs: {
        main: mainParts.blob(setup.outputKind === 'parquet' ? 'application/vnd.apache.parquet' : 'application/jsonl'),
        ...(sftParts ? { sft: sftParts.blob('application/jsonl') } : {}),
        manifest: new Blob([`${JSON.stringify(manifest, null, 2)}\n`], { type: 'application/json' }),
        rejects: rejects.parts.blob('application/jsonl'),
        ...(html !== undefined ? { report: new Blob([html], { type: 'text/html' }) } : {}),
      },
      names,
      ...(html !== undefined ? { reportHtml: html } : {}),
      rejects: rejects.head.map((x) => ({ line: x.line, field: x.field, reason: x.reason, detail: x.detail })),
      table: tableData,
      elapsedMs: performance.now() - t0,
      threads: Math.max(1, threads),
      pooled: pool?.done ?? 0,
      ...(setup.options.curate?.route ? { spool: spools ? ('opfs' as const) : ('memory' as const) } : {}),
    },
    Object.values(tableData.numbers).map((a) => a.buffer),
  );
}

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'probe') {
    probe(m).then(
      (p) => post({ type: 'probe', id: m.id, probe: p }),
      (err) => post({ type: 'probe', id: m.id, probe: { kind: 'jsonl', size: m.file.size, records: 0, error: String((err as Error).message ?? err) } }),
    );
  } else if (m.type === 'run') {
    run(m).catch((err) => post({ type: 'error', message: String((err as Error).message ?? err) }));
  }
};

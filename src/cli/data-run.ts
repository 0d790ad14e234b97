// One data command run (Node): opens the input (a file, or stdin spooled when the command reads twice), the main
// output, `<out>.rejects.jsonl` and any extra outputs, hands the pipeline its hooks (rejects, format detection,
// progress), and on success commits every output and writes `<out>.manifest.json` (all atomic). On any failure every
// output is aborted, so nothing appears under a final name and no temp file is left.
// Errors become CliErrors: a bad record with --on-error fail or an unreadable input -> exit 3; an undetectable format
// or an input that does not suit the command -> exit 2; a write error -> exit 4.
import { resolve } from 'node:path';
import { FramingError } from '../io/framer.js';
import { buildManifest, type Manifest, type Tally } from '../io/manifest.js';
import { fileIdentity, fileInput, InputError, nodeIndexOf, shardInput, stdinInput, stdinOnce, type NodeInput } from '../io/node/source.js';
import { isStreamPath, openFileOutput, OutputError, outputKind, type FileOutput, type OutputKind } from '../io/node/output.js';
import { Progress } from '../io/node/progress.js';
import { JsonlRowBuilder } from '../io/encode.js';
import { ByteSink } from '../io/bytes.js';
import type { Reject } from '../io/records.js';
import { writeRejectRow } from '../io/rejects.js';
import { BadRecordError, type FormatName } from '../io/types.js';
import type { Detection } from '../io/detect.js';
import { FormatDetectionError, Job, type JobHooks, type ReadSettings } from '../pipeline/job.js';
import { RowEmitter } from '../pipeline/emit.js';
import { writeObjectRow } from '../pipeline/run-select.js';
import type { Engine } from '../engine.js';
import { pipelineEngine } from './engine-port.js';
import { UsageError } from '../pipeline/errors.js';
import type { BatchPool } from '../pipeline/tasks.js';
import { defaultThreads, ThreadPool } from '../threads.js';
import type { CliContext } from './context.js';
import { CliError, EXIT, safeText } from './io.js';
import { inputParameters, type InputOptions, type RowInputOptions } from './options.js';

export interface DataRunSpec {
  command: string;
  input: string;
  /** The main output path (`-` = stdout), or null for commands that write none (then no sidecars). */
  output: string | null;
  /** Record inputs take InputOptions; row inputs (loss, clean) RowInputOptions. */
  options: InputOptions | RowInputOptions;
  /** Command parameters for the manifest (input options are added). */
  parameters: Record<string, unknown>;
  /** The command reads its input twice (stdin is spooled to a temp file on the first pass). */
  twoPass?: boolean;
  /** --output-format: the output kind when the extension does not say (or to override it). */
  outputFormat?: OutputKind;
}

/**
 * Sidecar paths of an output: `<out>.manifest.json` and `<out>.rejects.jsonl`; none for `-` and for an output that is
 * a stream (a device such as /dev/null, a FIFO, a socket): the counts then go to stderr only.
 */
export function sidecarPaths(out: string, cwd?: string): { manifest: string; rejects: string } | undefined {
  if (out === '-' || isStreamPath(resolve(cwd ?? process.cwd(), out))) return undefined;
  return { manifest: `${out}.manifest.json`, rejects: `${out}.rejects.jsonl` };
}

/** Object rows to the main output. */
export interface ObjectWriter {
  write(rows: readonly Record<string, unknown>[]): Promise<void>;
}

export class DataRun {
  readonly startedAt: Date;
  input: NodeInput;
  private main: FileOutput | undefined;
  private rejectsOut: FileOutput | undefined;
  private readonly rejectSink = new ByteSink(1 << 16);
  private readonly rejectBuilder = new JsonlRowBuilder(this.rejectSink);
  private readonly extras: FileOutput[] = [];
  private readonly rejectSample: Reject[] = [];
  private rejectCount = 0;
  private readonly progress: Progress;

  constructor(
    readonly ctx: CliContext,
    readonly spec: DataRunSpec,
  ) {
    this.startedAt = ctx.io.now?.() ?? new Date();
    this.input = spec.input === '-' ? (spec.twoPass ? stdinInput(ctx.io.stdin) : stdinOnce(ctx.io.stdin)) : fileInput(spec.input, ctx.io.cwd);
    this.progress = new Progress((s) => ctx.io.stderr(s), ctx.io.stderrIsTTY === true && !ctx.globals().quiet, this.input.size);
  }

  /** Makes the input a shard of itself (--shard K/N): its byte range, and the lines before it counted. */
  async prepare(): Promise<void> {
    const o = this.spec.options;
    if ('shard' in o && o.shard) {
      const whole = this.input;
      this.input = await shardInput(whole, o.shard.index, o.shard.count);
      this.progress.total = this.input.size;
    }
  }

  /** The input's read settings (format, fields, ...; limits). */
  get read(): ReadSettings {
    const o = this.spec.options;
    const g = this.ctx.globals();
    return { format: 'format' in o ? o.format : 'candidates', fields: 'fields' in o ? o.fields : {}, score: 'score' in o ? o.score : 'overall', onError: o.onError, maxRecordBytes: g.maxRecordBytes, maxDepth: g.maxDepth };
  }

  /** The pipeline's hooks: rejects to the sidecar (or a sample for stderr), detection and progress on stderr. */
  get hooks(): JobHooks {
    return {
      indexOf: nodeIndexOf,
      rejects: (rs) => this.writeRejects(rs),
      detected: (d: Detection) => this.ctx.info(`format: ${d.format} (detected: ${d.reason})`),
      progress: (bytes, records) => this.progress.update(bytes, records),
    };
  }

  /** Says which temp files of killed runs were removed. */
  private readonly onStale = (ps: string[]): void => this.ctx.info(`removed ${ps.length} temp file(s) left by an interrupted run: ${ps.map(safeText).join(', ')}`);

  /** Refuses an output path that is the input itself (same file). */
  private checkNotInput(path: string): void {
    if (path === '-' || !this.input.path) return;
    const full = resolve(this.ctx.io.cwd ?? process.cwd(), path);
    const a = fileIdentity(this.input.path);
    if (a !== undefined && a === fileIdentity(full)) throw new CliError(`${path} is the input file: refusing to overwrite it (choose another -o)`, EXIT.USAGE);
  }

  /** The kind of an output path, or a usage error for an unknown extension (unless --output-format says). */
  kindOf(path: string): OutputKind {
    // A device or FIFO without an extension (/dev/null, a named pipe) gets JSON Lines.
    const k = this.spec.outputFormat ?? outputKind(path) ?? (isStreamPath(resolve(this.ctx.io.cwd ?? process.cwd(), path)) ? 'jsonl' : undefined);
    if (k === undefined) {
      throw new CliError(`${path}: unknown output extension (use .jsonl, .jsonl.gz or .parquet, or give --output-format jsonl|jsonl.gz|parquet)`, EXIT.USAGE);
    }
    return k;
  }

  /** Opens an output file (atomic) or stdout. */
  async open(path: string, metadata?: Record<string, string>): Promise<FileOutput> {
    this.checkNotInput(path);
    const out = await openFileOutput(path, {
      cwd: this.ctx.io.cwd,
      kind: path === '-' ? 'jsonl' : this.kindOf(path),
      stdout: this.ctx.io.stdoutBytes ?? ((b) => this.ctx.io.stdout(new TextDecoder().decode(b))),
      metadata,
      onStale: this.onStale,
    });
    return out;
  }

  /** A pass over the input with this run's settings, hooks (or the given ones) and worker threads. */
  job(engine: Engine, hooks: JobHooks = this.hooks): Job {
    return new Job(pipelineEngine(engine), this.input, this.read, hooks, this.pool(engine));
  }

  private threadPool: ThreadPool | null | undefined;

  /**
   * The worker threads of this run, made on first use: --threads n (default: the cores available) is this thread
   * and n - 1 workers; none when one thread is asked for or the input is a single batch (about 1 MiB).
   */
  pool(engine: Engine): BatchPool | undefined {
    if (this.threadPool === undefined) {
      const asked = this.spec.options.threads ?? defaultThreads();
      const size = this.input.size;
      const chunks = size === undefined ? Number.POSITIVE_INFINITY : Math.ceil(size / (1 << 20));
      const n = Math.min(asked, chunks);
      this.threadPool = n > 1 ? new ThreadPool(n - 1, { backend: engine.backend }) : null;
    }
    return this.threadPool ?? undefined;
  }

  /** The main output as a writer of object rows (row commands: loss, clean). */
  async objectWriter(): Promise<ObjectWriter | undefined> {
    const out = await this.openMain();
    if (!out) return undefined;
    const e = new RowEmitter(out.sink);
    return {
      async write(rows) {
        for (const r of rows) writeObjectRow(e.builder, r);
        await e.flush();
      },
    };
  }

  /** Opens the main output and `<out>.rejects.jsonl` (once). */
  async openMain(): Promise<FileOutput | undefined> {
    if (this.spec.output === null) return undefined;
    this.main ??= await this.open(this.spec.output, { 'pairsmith.command': this.spec.command });
    const side = sidecarPaths(this.spec.output, this.ctx.io.cwd);
    if (side && !this.rejectsOut) {
      this.checkNotInput(side.rejects);
      this.rejectsOut = await openFileOutput(side.rejects, { cwd: this.ctx.io.cwd, kind: 'jsonl', onStale: this.onStale });
    }
    return this.main;
  }

  /** An extra output committed and aborted with the run (e.g. curate's SFT file). */
  async openExtra(path: string): Promise<FileOutput> {
    const out = await this.open(path);
    this.extras.push(out);
    return out;
  }

  private async writeRejects(rs: readonly Reject[]): Promise<void> {
    this.rejectCount += rs.length;
    for (const r of rs) if (this.rejectSample.length < 5) this.rejectSample.push(r);
    if (!this.rejectsOut) return;
    for (const r of rs) writeRejectRow(this.rejectBuilder, r);
    const b = this.rejectSink.take();
    if (b.length > 0) await this.rejectsOut.sink.writeBytes!(b);
  }

  /** Writes the manifest and commits every output; prints the one-line summary. */
  async commit(result: { tally: Tally; format: FormatName | string | null; detected?: Detection; report?: Record<string, unknown>; outcomes?: Record<string, number> }, backend: string): Promise<Manifest> {
    this.progress.done();
    const asked = this.spec.options.threads;
    if (asked !== undefined && asked > 1 && this.threadPool === undefined) this.ctx.info(`note: ${this.spec.command} runs on one thread (--threads has no effect on it yet)`);
    const manifest = buildManifest({
      command: this.spec.command,
      inputs: [this.spec.input === '-' ? '-' : resolve(this.ctx.io.cwd ?? process.cwd(), this.spec.input)],
      format: result.format,
      formatDetected: 'format' in this.spec.options && this.spec.options.format === 'auto' && result.detected !== undefined,
      output: this.spec.output,
      rejects: this.spec.output !== null ? (sidecarPaths(this.spec.output, this.ctx.io.cwd)?.rejects ?? null) : null,
      backend,
      parameters: { ...inputParameters(this.spec.options), ...this.spec.parameters },
      startedAt: this.startedAt,
      endedAt: this.ctx.io.now?.() ?? new Date(),
      tally: result.tally,
      outcomes: result.outcomes,
      shard: this.input.shard,
    });
    if (result.report) (manifest as Manifest & { report?: Record<string, unknown> }).report = result.report;
    await this.main?.commit();
    for (const x of this.extras) await x.commit();
    await this.rejectsOut?.commit();
    if (this.spec.output !== null) {
      const side = sidecarPaths(this.spec.output, this.ctx.io.cwd);
      if (side) {
        const m = await openFileOutput(side.manifest, { cwd: this.ctx.io.cwd, kind: 'jsonl', onStale: this.onStale });
        try {
          await m.sink.writeBytes!(new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
          await m.commit();
        } catch (e) {
          m.abort();
          throw e;
        }
      }
    }
    this.summary(manifest);
    return manifest;
  }

  private summary(m: Manifest): void {
    const list = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ');
    const rej = list(m.rejected_by_reason);
    const exc = list(m.excluded_by_reason);
    const np = list(m.no_pair_by_reason);
    this.ctx.info(
      `${m.command}: ${m.records.read} records read, ${m.records.written} written (${m.rows_written} rows)` +
        `${m.records.no_pair ? `, ${m.records.no_pair} without a pair (${np})` : ''}` +
        `, ${m.records.rejected} rejected${rej ? ` (${rej})` : ''}` +
        `${m.candidates.excluded ? `; ${m.candidates.excluded} candidates excluded (${exc})` : ''}; backend ${m.backend}`,
    );
    if (m.records.rejected && (this.spec.output === null || !sidecarPaths(this.spec.output, this.ctx.io.cwd))) {
      for (const r of this.rejectSample) this.ctx.info(`  rejected ${safeText(r.file)}:${r.line}:${safeText(r.field ?? '-')}: ${r.reason}: ${safeText(r.detail)}`);
    }
    if (m.records.read === 0) this.ctx.info(`warning: ${this.spec.input} holds no records`);
    else if (m.records.read === m.records.rejected) this.ctx.info(`warning: every record of ${this.spec.input} was rejected (see the rejects file)`);
    else if (m.rows_written === 0 && this.spec.output !== null) this.ctx.info('warning: no rows were written');
  }

  /** Aborts every output (nothing is left under a final name) and releases the input's temp files. */
  abort(): void {
    this.main?.abort();
    for (const x of this.extras) x.abort();
    this.rejectsOut?.abort();
  }

  close(): void {
    this.input.close();
    void this.threadPool?.close();
  }
}

/** Runs `body` with a DataRun; aborts all outputs on failure and maps data errors to CliErrors. */
export async function withDataRun<T>(ctx: CliContext, spec: DataRunSpec, body: (run: DataRun) => Promise<T>): Promise<T> {
  let run: DataRun;
  try {
    run = new DataRun(ctx, spec);
  } catch (e) {
    throw toCliError(e);
  }
  try {
    await run.prepare();
    return await body(run);
  } catch (e) {
    run.abort();
    throw toCliError(e);
  } finally {
    run.close();
  }
}

/** Maps data-layer errors to CLI errors with exit codes; others pass through. */
export function toCliError(e: unknown): unknown {
  if (e instanceof CliError) return e;
  if (e instanceof BadRecordError) return new CliError(`bad record at ${safeText(e.message)} (--on-error fail; no output written)`, EXIT.BAD_INPUT);
  if (e instanceof InputError) return new CliError(safeText(e.message), EXIT.BAD_INPUT);
  if (e instanceof FramingError) return new CliError(safeText(e.message), EXIT.BAD_INPUT);
  if (e instanceof FormatDetectionError) return new CliError(safeText(e.message), EXIT.USAGE);
  if (e instanceof UsageError) return new CliError(safeText(e.message), EXIT.USAGE);
  if (e instanceof OutputError) return new CliError(safeText(e.message), EXIT.OUTPUT);
  const code = e instanceof Error ? (e as NodeJS.ErrnoException).code : undefined;
  if (code === 'ENOENT') return new CliError(safeText((e as Error).message), EXIT.BAD_INPUT);
  if (code && ['ENOSPC', 'EPIPE', 'EROFS', 'EACCES', 'EIO', 'EDQUOT', 'EPERM'].includes(code)) return new CliError(safeText(new OutputError('?', code).message), EXIT.OUTPUT);
  return e;
}

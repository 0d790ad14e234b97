// One data command run: reads an input through the shared options, routes rejects to <out>.rejects.jsonl,
// keeps the Tally, shows progress, and on success commits the output, the rejects and <out>.manifest.json
// (all atomic). On any failure every writer is aborted, so nothing appears under a final name.
// Errors become CliErrors: a bad record with --on-error fail or an unreadable input -> exit 3; an
// undetectable format -> exit 2.
import { resolve } from 'node:path';
import { FormatDetectionError, type CountedRow, type DecodedRows, type RecordDecoder, type RowAdapter } from '../io/decoder.js';
import { buildManifest, Tally, type Manifest } from '../io/manifest.js';
import { InputError, readRecords, readRows, type RecordChunk } from '../io/node/read.js';
import { openRejectsWriter, openRowWriter, rejectRow, sidecarPaths, writeManifest, type RowWriter } from '../io/node/write.js';
import { Progress } from '../io/node/progress.js';
import type { ColumnSpec } from '../io/rows.js';
import { BadRecordError, type Reject } from '../io/types.js';
import type { CliContext } from './context.js';
import { CliError, EXIT } from './io.js';
import { inputParameters, type InputOptions, type RowInputOptions } from './options.js';

export interface DataRunSpec {
  command: string;
  input: string;
  /** The main output path (`-` = stdout), or null for commands that write none (then no sidecars). */
  output: string | null;
  /** Record inputs (`records()`) take InputOptions; row inputs (`rows()`) RowInputOptions. */
  options: InputOptions | RowInputOptions;
  /** Command parameters for the manifest (input options are added). */
  parameters: Record<string, unknown>;
  /** Records per chunk (default 1000). */
  chunkSize?: number;
}

export class DataRun {
  readonly tally = new Tally();
  readonly startedAt: Date;
  private decoder: RecordDecoder | undefined;
  private rowFormat: string | undefined;
  private out: RowWriter | undefined;
  private rejects: RowWriter | undefined;
  private readonly rejectSample: Reject[] = [];
  private readonly progress: Progress;
  private detectedOutside = false;

  constructor(
    readonly ctx: CliContext,
    readonly spec: DataRunSpec,
  ) {
    this.startedAt = ctx.io.now?.() ?? new Date();
    this.progress = new Progress((s) => ctx.io.stderr(s), ctx.io.stderrIsTTY === true && !ctx.globals().quiet);
  }

  /** The format in use (after the first record with `auto`). */
  get format(): string | null {
    if (this.rowFormat !== undefined) return this.rowFormat;
    const o = this.spec.options;
    return this.decoder?.format ?? (!('format' in o) || o.format === 'auto' ? null : o.format);
  }

  /** The records of the input, chunk by chunk; rejects are written to the sidecar as they come. */
  async *records(): AsyncGenerator<RecordChunk> {
    const o = this.spec.options;
    if (!('format' in o)) throw new Error('records() needs InputOptions (use rows() for row inputs)');
    const gen = readRecords(this.spec.input, {
      ...o,
      tally: this.tally,
      cwd: this.ctx.io.cwd,
      stdin: this.ctx.io.stdin,
      chunkSize: this.spec.chunkSize,
      onBytes: this.progress.addBytes,
      onDecoder: (d) => (this.decoder = d),
      onDetect: (d) => this.ctx.info(`format: ${d.format} (detected: ${d.reason})`),
    });
    for await (const chunk of this.routeRejects(gen, (c) => c.records.length)) yield chunk;
  }

  /**
   * The rows of a row input (not candidate/pair records), each checked by `adapt`, chunk by chunk; `format`
   * names the row form in the manifest. Same files, parsing and reject rules as records().
   */
  async *rows<T extends CountedRow>(adapt: RowAdapter<T>, format: string): AsyncGenerator<DecodedRows<T>> {
    this.rowFormat = format;
    const gen = readRows(this.spec.input, adapt, {
      tally: this.tally,
      onError: this.spec.options.onError,
      cwd: this.ctx.io.cwd,
      stdin: this.ctx.io.stdin,
      chunkSize: this.spec.chunkSize,
      onBytes: this.progress.addBytes,
    });
    for await (const chunk of this.routeRejects(gen, (c) => c.rows.length)) yield chunk;
  }

  /** Opens the rejects sidecar, writes each chunk's rejects to it as they come and counts progress. */
  private async *routeRejects<C extends { rejects: Reject[] }>(gen: AsyncGenerator<C>, accepted: (c: C) => number): AsyncGenerator<C> {
    const side = this.spec.output !== null ? sidecarPaths(this.spec.output) : undefined;
    if (side) this.rejects = await openRejectsWriter(this.spec.output!, { cwd: this.ctx.io.cwd });
    for await (const chunk of gen) {
      if (chunk.rejects.length) {
        if (this.rejects) await this.rejects.write(chunk.rejects.map(rejectRow));
        for (const r of chunk.rejects) if (this.rejectSample.length < 5) this.rejectSample.push(r);
      }
      this.progress.addRecords(accepted(chunk) + chunk.rejects.length);
      yield chunk;
    }
    this.progress.done();
  }

  /** Opens the main output with a fixed schema (once; the schema may depend on the first record). */
  async openOutput(schema: readonly ColumnSpec[]): Promise<RowWriter> {
    if (this.spec.output === null) throw new Error('this command has no output');
    this.out ??= await openRowWriter(this.spec.output, schema, {
      cwd: this.ctx.io.cwd,
      stdout: (s) => this.ctx.io.stdout(s),
      metadata: { 'pairsmith.command': this.spec.command },
    });
    return this.out;
  }

  /** The output writer if opened. */
  get output(): RowWriter | undefined {
    return this.out;
  }

  /** For commands that read the input themselves (fast paths): the decoder they use, for the manifest. */
  useDecoder(d: RecordDecoder, detected = false): void {
    this.decoder = d;
    this.detectedOutside = detected;
  }

  /** Uses a writer the command opened itself as the main output (committed or aborted with the run). */
  useOutput(w: RowWriter): void {
    this.out = w;
  }

  /** Opens `<out>.rejects.jsonl` when the command does not read through records(). */
  async openRejects(): Promise<void> {
    if (this.spec.output !== null && sidecarPaths(this.spec.output) && !this.rejects) this.rejects = await openRejectsWriter(this.spec.output, { cwd: this.ctx.io.cwd });
  }

  /** Writes rejects found outside records() (a fast path's slow records); the tally is the caller's. */
  async writeRejects(rejects: readonly Reject[]): Promise<void> {
    if (rejects.length === 0) return;
    await this.openRejects();
    if (this.rejects) await this.rejects.write(rejects.map(rejectRow));
    for (const r of rejects) if (this.rejectSample.length < 5) this.rejectSample.push(r);
  }

  /** Commits the output, the rejects and the manifest; prints a one-line summary on stderr. */
  async commit(
    backend: string,
    extra: { schema?: readonly ColumnSpec[]; outcomes?: Record<string, number>; report?: Record<string, unknown> } = {},
  ): Promise<Manifest> {
    if (this.spec.output !== null && !this.out && extra.schema) await this.openOutput(extra.schema);
    await this.openRejects();
    const manifest = buildManifest({
      command: this.spec.command,
      inputs: [this.spec.input === '-' ? '-' : resolve(this.ctx.io.cwd ?? process.cwd(), this.spec.input)],
      format: this.format,
      formatDetected: 'format' in this.spec.options && this.spec.options.format === 'auto' && (this.decoder?.detected !== undefined || this.detectedOutside),
      output: this.spec.output,
      rejects: this.spec.output !== null ? (sidecarPaths(this.spec.output)?.rejects ?? null) : null,
      backend,
      parameters: { ...inputParameters(this.spec.options), ...this.spec.parameters },
      startedAt: this.startedAt,
      endedAt: this.ctx.io.now?.() ?? new Date(),
      tally: this.tally,
      outcomes: extra.outcomes,
    });
    // A command's own report (e.g. pair construction and selection details) goes under `report`.
    if (extra.report) (manifest as Manifest & { report?: Record<string, unknown> }).report = extra.report;
    await this.out?.commit();
    await this.rejects?.commit();
    if (this.spec.output !== null) await writeManifest(this.spec.output, manifest, this.ctx.io.cwd);
    this.summary(manifest);
    return manifest;
  }

  private summary(m: Manifest): void {
    const rej = Object.entries(m.rejected_by_reason).map(([k, v]) => `${k} ${v}`).join(', ');
    const exc = Object.entries(m.excluded_by_reason).map(([k, v]) => `${k} ${v}`).join(', ');
    const np = Object.entries(m.no_pair_by_reason).map(([k, v]) => `${k} ${v}`).join(', ');
    this.ctx.info(
      `${m.command}: ${m.records.read} records read, ${m.records.written} written (${m.rows_written} rows)` +
        `${m.records.no_pair ? `, ${m.records.no_pair} without a pair (${np})` : ''}` +
        `, ${m.records.rejected} rejected${rej ? ` (${rej})` : ''}` +
        `${m.candidates.excluded ? `; ${m.candidates.excluded} candidates excluded (${exc})` : ''}; backend ${m.backend}`,
    );
    if (m.records.rejected && this.spec.output === null) {
      for (const r of this.rejectSample) this.ctx.info(`  rejected ${r.file}:${r.line}:${r.field ?? '-'}: ${r.reason}: ${r.detail}`);
    }
  }

  /** Aborts every writer (nothing is left under a final name). */
  async abort(): Promise<void> {
    await this.out?.abort();
    await this.rejects?.abort();
  }
}

/** Runs `body` with a DataRun; aborts all writers on failure and maps data errors to CliErrors. */
export async function withDataRun<T>(ctx: CliContext, spec: DataRunSpec, body: (run: DataRun) => Promise<T>): Promise<T> {
  const run = new DataRun(ctx, spec);
  try {
    return await body(run);
  } catch (e) {
    await run.abort();
    throw toCliError(e);
  }
}

/** Maps data-layer errors to CLI errors with exit codes; others pass through. */
export function toCliError(e: unknown): unknown {
  if (e instanceof BadRecordError) return new CliError(`bad record at ${e.message} (--on-error fail; no output written)`, EXIT.BAD_INPUT);
  if (e instanceof InputError) return new CliError(e.message, EXIT.BAD_INPUT);
  if (e instanceof FormatDetectionError) return new CliError(e.message, EXIT.USAGE);
  if (e instanceof Error && (e as NodeJS.ErrnoException).code === 'ENOENT') return new CliError(e.message, EXIT.BAD_INPUT);
  return e;
}

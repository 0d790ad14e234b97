// `pairsmith merge <partials...> -o <out>`: the exact merge of a sharded select/curate run. Each partial is the -o of
// one `--shard K/N` run (with its .margins.jsonl, .manifest.json and .rejects.jsonl beside it). The merge runs the
// global selection (and curate's routing, weights, augmentation) on every shard's numbers and writes what the
// unsharded run writes: the same rows, the same rejects, the same manifest apart from times and paths. With
// `--report page.html` it merges the shards' report states (curate --shard ... --report page.html) in shard order
// and writes the unsharded run's HTML report.
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { buildManifest, Tally, type Manifest } from '../../io/manifest.js';
import { openFileOutput, OutputError, writeJsonFile, type FileOutput, type OutputKind } from '../../io/node/output.js';
import { FileSpool } from '../../io/node/spool.js';
import { REJECT_REASONS, EXCLUSION_REASONS } from '../../io/types.js';
import { mergePartials, MergeError, type PartialInput } from '../../pipeline/merge.js';
import { CurateReport, type ReportTransform } from '../../pipeline/report-feed.js';
import type { PartialHeader, SelectRunOptions } from '../../pipeline/run-select.js';
import type { CliContext } from '../context.js';
import { curateSummary } from '../curate-summary.js';
import { htmlReportPath, writeCurateReport } from '../curate-report.js';
import { sidecarPaths, toCliError } from '../data-run.js';
import { CliError, EXIT, safeText } from '../io.js';
import { addOutputOptions } from '../options.js';
import { marginsPath, readReportState, reportStateOf } from '../partial.js';
import { emitReport } from '../select-step.js';

const EXAMPLES = `
Examples:
  $ for k in 1 2 3 4; do pairsmith curate big.jsonl --shard $k/4 -o part$k.jsonl --fraction 0.1 & done; wait
  $ pairsmith merge part1.jsonl part2.jsonl part3.jsonl part4.jsonl -o curated.jsonl
  $ pairsmith merge part*.jsonl -o curated.parquet --report selection.json
  $ for k in 1 2 3 4; do pairsmith curate big.jsonl --shard $k/4 -o part$k.jsonl --report page.html & done; wait
  $ pairsmith merge part1.jsonl part2.jsonl part3.jsonl part4.jsonl -o curated.jsonl --report page.html
The partials may be given in any order (each knows its shard); all N shards of one run are needed, made
with the same options. The result is the unsharded run's, byte for byte: rows, <out>.rejects.jsonl, and
<out>.manifest.json (apart from times and paths; merged_from lists the partials). --report page.html (a
curate run whose shards ran with --report page.html, each keeping <part>.report-state.jsonl) writes the
unsharded run's HTML report; without --report, the merge does what the shards' --report asked.
`;

interface Partial {
  path: string;
  /** The path as given. */
  shown: string;
  manifest: Manifest & { report?: Record<string, unknown> };
  header: PartialHeader;
}

function readJson(path: string, what: string): unknown {
  if (!existsSync(path)) throw new CliError(`${path}: missing (${what})`, EXIT.BAD_INPUT);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CliError(`${path}: not JSON (${(e as Error).message})`, EXIT.BAD_INPUT);
  }
}

/** The first line of a margins file. */
function readHeader(path: string): PartialHeader {
  if (!existsSync(path)) throw new CliError(`${path}: missing (a partial result's margins file: written by select/curate --shard K/N)`, EXIT.BAD_INPUT);
  const text = readFileSync(path, 'utf8');
  const nl = text.indexOf('\n');
  try {
    const h = JSON.parse(nl < 0 ? text : text.slice(0, nl)) as PartialHeader;
    if (h.pairsmith_partial !== 1) throw new Error('not a partial header');
    return h;
  } catch {
    throw new CliError(`${path}: not a pairsmith partial result's margins file`, EXIT.BAD_INPUT);
  }
}

/** Reads and checks the partials: one run's shards 1..N, each once; returned in shard order. */
function loadPartials(paths: readonly string[], cwd: string): Partial[] {
  const parts = paths.map((p) => {
    const full = resolve(cwd, p);
    const manifest = readJson(`${full}.manifest.json`, "the partial's manifest") as Partial['manifest'];
    if (!manifest.shard || !manifest.report?.partial) throw new CliError(`${p}: not a partial result (its manifest has no shard: was it written by select/curate --shard K/N?)`, EXIT.USAGE);
    return { path: full, shown: p, manifest, header: readHeader(marginsPath(full)) };
  });
  const first = parts[0]!;
  const count = first.manifest.shard!.count;
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const seen = new Map<number, string>();
  for (const x of parts) {
    const m = x.manifest;
    if (m.command !== first.manifest.command) throw new CliError(`${x.shown}: a ${m.command} partial, ${first.shown} is a ${first.manifest.command} one`, EXIT.USAGE);
    if (m.shard!.count !== count) throw new CliError(`${x.shown}: shard ${m.shard!.index}/${m.shard!.count}, ${first.shown} is one of ${count}`, EXIT.USAGE);
    if (!same(m.inputs, first.manifest.inputs)) throw new CliError(`${x.shown}: made from ${m.inputs.join(', ')}, ${first.shown} from ${first.manifest.inputs.join(', ')}`, EXIT.USAGE);
    if (!same(x.header.options, first.header.options)) throw new CliError(`${x.shown}: made with other options than ${first.shown} (every shard of a run needs the same options)`, EXIT.USAGE);
    const k = m.shard!.index;
    if (seen.has(k)) throw new CliError(`${x.shown} and ${seen.get(k)!} are both shard ${k}/${count}`, EXIT.USAGE);
    seen.set(k, x.shown);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((k) => !seen.has(k));
  if (missing.length) throw new CliError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${count}`).join(', ')} missing: a merge needs every shard of the run`, EXIT.USAGE);
  return parts.sort((a, b) => a.manifest.shard!.index - b.manifest.shard!.index);
}

/** The report states of curate partials, in shard order; a usage error when a shard ran without the HTML report. */
function reportStates(parts: readonly Partial[], page: string): string[] {
  const without = parts.filter((x) => reportStateOf(x.path, x.header.meta) === undefined);
  if (without.length > 0) {
    const which = without.length === parts.length ? 'the partials were' : `${without.map((x) => x.shown).join(', ')} ${without.length === 1 ? 'was' : 'were'}`;
    throw new CliError(`--report ${page}: ${which} made without the HTML report; re-run the shards with --report page.html (curate --shard K/N ... --report page.html)`, EXIT.USAGE);
  }
  return parts.map((x) => {
    const path = reportStateOf(x.path, x.header.meta)!;
    if (!existsSync(path)) throw new CliError(`${path}: missing (the report state of ${x.shown}: written by curate --shard K/N --report page.html)`, EXIT.BAD_INPUT);
    return path;
  });
}

/** curate's report with the shards' states merged in shard order (a CliError, exit 3, for a damaged one). */
async function mergedReport(ctx: CliContext, states: readonly string[], transform: ReportTransform): Promise<CurateReport> {
  const page = new CurateReport(await ctx.engine(), transform, () => new FileSpool());
  for (const path of states) {
    const state = await readReportState(path);
    try {
      page.collector.merge(state);
    } catch (e) {
      throw new CliError(`${path}: ${(e as Error).message.replace(/^pairsmith: /, '')} (is it one of this run's shards?)`, EXIT.BAD_INPUT);
    }
  }
  return page;
}

/** The shards' own counts (records read, rejected, without a pair; candidates), before the selection's outcomes. */
function shardCounts(parts: readonly Partial[]): Tally {
  const t = new Tally();
  for (const { manifest: m } of parts) {
    t.recordsRead += m.records.read;
    t.candidatesRead += m.candidates.read;
    for (const [k, v] of Object.entries(m.rejected_by_reason)) if ((REJECT_REASONS as readonly string[]).includes(k)) t.rejected[k as keyof Tally['rejected']] += v;
    for (const [k, v] of Object.entries(m.excluded_by_reason)) if ((EXCLUSION_REASONS as readonly string[]).includes(k)) t.excluded[k as keyof Tally['excluded']] += v;
    for (const [k, v] of Object.entries(m.no_pair_by_reason)) t.noPair[k] = (t.noPair[k] ?? 0) + v;
  }
  return t;
}

export function mergeCommand(ctx: CliContext): Command {
  const cmd = new Command('merge')
    .description('merge the partial results of a sharded select/curate run (--shard K/N) into the unsharded result')
    .argument('<partials...>', 'the -o files of the shards (each with its .margins.jsonl, .manifest.json, .rejects.jsonl)');
  addOutputOptions(cmd);
  cmd
    .option('--sft <file>', 'curate --route: where the SFT rows go (default: <out>.sft.jsonl, as curate)')
    .option('--report [file]', "the selection summary on stderr (and as JSON to a file); curate: a .html/.htm file gets the HTML report (its shards made with --report page.html)");
  return cmd.addHelpText('after', EXAMPLES).action(async (paths: string[], opts: { output: string; outputFormat?: OutputKind; sft?: string; report?: string | boolean }) => {
    const cwd = ctx.io.cwd ?? process.cwd();
    const startedAt = ctx.io.now?.() ?? new Date();
    const parts = loadPartials(paths, cwd);
    const first = parts[0]!;
    const command = first.manifest.command;
    const o: SelectRunOptions = { ...first.header.options, spool: () => new FileSpool() };
    const output = opts.output;
    const route = o.curate?.route !== undefined;
    const sftPath = route ? (opts.sft ?? `${output.replace(/\.(jsonl(\.gz)?|parquet)$/i, '')}.sft.jsonl`) : undefined;
    if (route && (output === '-' || sftPath === output)) throw new CliError('a routed curate needs a file output and a different --sft file', EXIT.USAGE);
    for (const p of [output, sftPath]) {
      if (p && parts.some((x) => resolve(cwd, p) === x.path)) throw new CliError(`${p} is one of the partials: refusing to overwrite it`, EXIT.USAGE);
    }
    // --report page.html (or the shards' own --report, when none is given) writes curate's page from the shards' states.
    const reportOpt = opts.report ?? (first.header.meta.report as string | boolean | null) ?? undefined;
    // select's --report file is its JSON summary whatever its name, as in an unsharded select.
    const htmlReport = command === 'curate' ? htmlReportPath(reportOpt) : undefined;
    // The shards' report states are merged first: a damaged one stops the merge before anything is written.
    const page = htmlReport ? await mergedReport(ctx, reportStates(parts, htmlReport), o.transform === 'logit' ? 'logit' : 'none') : undefined;
    const opened: FileOutput[] = [];
    const open = async (path: string, kind?: OutputKind): Promise<FileOutput> => {
      const f = await openFileOutput(path, {
        cwd,
        kind: path === '-' ? 'jsonl' : kind,
        stdout: ctx.io.stdoutBytes ?? ((b) => ctx.io.stdout(new TextDecoder().decode(b))),
        metadata: { 'pairsmith.command': command },
      });
      opened.push(f);
      return f;
    };
    try {
      const main = await open(output, opts.outputFormat);
      const sft = sftPath ? await open(sftPath) : undefined;
      const side = sidecarPaths(output, cwd);
      const rejectsOut = side ? await open(side.rejects, 'jsonl') : undefined;
      const tally = shardCounts(parts);
      const inputs: PartialInput[] = parts.map((x) => ({
        name: x.path,
        rows: () => createReadStream(x.path),
        margins: () => createReadStream(marginsPath(x.path)),
      }));
      // The page reads every pair's numbers after the merge: they stay in memory for it.
      const done = await mergePartials(inputs, page ? o : { ...o, spill: () => new FileSpool() }, { main: main.sink, sft: sft?.sink }, tally);
      // The shards' rejects, in shard order: the unsharded run's rejects file.
      if (rejectsOut) {
        for (const x of parts) {
          const r = `${x.path}.rejects.jsonl`;
          if (!existsSync(r)) continue;
          for await (const chunk of createReadStream(r)) await rejectsOut.sink.writeBytes!(chunk as Uint8Array);
        }
      }
      const report = done.report;
      if (report.route) (report.route as Record<string, unknown>).sft_output = sftPath;
      const params = { ...first.manifest.parameters, output } as Record<string, unknown>;
      if (params.route && typeof params.route === 'object') params.route = { ...(params.route as object), sft: sftPath };
      const manifest = buildManifest({
        command,
        inputs: first.manifest.inputs,
        format: first.manifest.format,
        formatDetected: first.manifest.format_detected,
        output,
        rejects: side?.rejects ?? null,
        backend: first.manifest.backend,
        parameters: params,
        startedAt,
        endedAt: ctx.io.now?.() ?? new Date(),
        tally,
      }) as Manifest & Record<string, unknown>;
      manifest.report = report;
      manifest.merged_from = parts.map((x) => x.path);
      await emitReport(ctx, report.selection as Record<string, unknown>, htmlReport ? true : reportOpt);
      for (const f of opened) await f.commit();
      if (side) {
        await writeJsonFile(side.manifest, manifest, cwd);
      }
      if (command === 'curate') ctx.info(curateSummary(manifest, report, { sample: false, input: first.manifest.inputs[0] ?? '', output, sft: sftPath, sidecars: side }));
      else ctx.info(`merge: ${parts.length} shards, ${manifest.records.read} records, ${manifest.rows_written} rows to ${safeText(output)}`);
      // The page comes last, as in the unsharded run: it shows the merged manifest.
      if (htmlReport && page) {
        const r = o.curate?.route;
        const threshold = r && 'threshold' in r ? r.threshold : undefined;
        const where = await writeCurateReport(ctx, htmlReport, page, { result: done, threshold, manifest, input: first.manifest.inputs[0] ?? '' });
        ctx.info(`report: ${where}`);
      }
    } catch (e) {
      for (const f of opened) f.abort();
      if (e instanceof MergeError) throw new CliError(safeText(e.message), EXIT.BAD_INPUT);
      if (e instanceof OutputError) throw toCliError(e);
      throw toCliError(e);
    }
  });
}

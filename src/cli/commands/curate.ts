// `pairsmith curate [input] -o <out>`: the main job in one run: read -> validate -> implicit rewards (when
// log-probs are given) -> per-prompt stats -> pairs -> selection -> optional weights, routing, augmentation ->
// write, with manifest and rejects. With no input it runs on the bundled sample and its config.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { writeJsonAtomic } from '../../io/node/write.js';
import { augmentRow, PAPER_TEMPLATE, PLACEMENTS, type Placement } from '../../pipeline/augment.js';
import { groupEngineOf } from '../../pipeline/group-engine.js';
import { routeRows, type Row } from '../../pipeline/rows.js';
import { applyConfig } from '../config.js';
import type { CliContext } from '../context.js';
import { withDataRun } from '../data-run.js';
import { CliError, EXIT } from '../io.js';
import { addInputOptions, INPUT_HELP, parseInputOptions } from '../options.js';
import { addPairOptions, addSelectOptions, numberArg, pairParameters, parsePairOptions, parseSelectOptions } from '../pair-options.js';
import { constructReportJson, PairRowsBuilder } from '../pair-rows.js';
import { inferSchema, readRows } from '../row-input.js';
import { emitReport, selectStep, weightStep, writeRows } from '../select-step.js';
import { openRowWriter } from '../../io/node/write.js';
import { curateSummary } from '../curate-summary.js';
import { htmlReportPath, PoolCollector, writeCurateReport } from '../curate-report.js';

/** The bundled sample and its config (next to the package: examples/). */
export const SAMPLE_INPUT = fileURLToPath(new URL('../../../examples/sample.candidates.jsonl', import.meta.url));
export const SAMPLE_CONFIG = fileURLToPath(new URL('../../../examples/curate.json', import.meta.url));
export const SAMPLE_OUTPUT = 'pairsmith-out/curated.jsonl';

const EXAMPLES = `
Examples:
  $ pairsmith curate                                       # the bundled sample -> ${SAMPLE_OUTPUT}
  $ pairsmith curate samples.jsonl -o curated.jsonl --fraction 0.1
  $ pairsmith curate judged.jsonl -o curated.parquet --transform logit --by external --top 5000
  $ pairsmith curate samples.jsonl -o dpo.jsonl --route --hard-fraction 0.1 --sft sft.jsonl
  $ pairsmith curate samples.jsonl -o aug.jsonl --augment --fraction 0.25
  $ pairsmith curate samples.jsonl -o curated.jsonl --config curate.json
  $ pairsmith curate judged.jsonl -o curated.jsonl --transform logit --report report.html   # + the HTML data report
Steps and their options are those of pairs, select, route and augment; --fraction defaults to 1 (rank, keep
all). --config reads a JSON object of options (long names; the command line wins), e.g.
  {"strategy": "sweet-spot", "by": "bees", "fraction": 0.1, "weights": "rating-gap"}
`;

export function curateCommand(ctx: CliContext): Command {
  const cmd = new Command('curate')
    .description('the main job: candidates -> sweet-spot pairs -> margin selection -> weights / routing / augmentation')
    .argument('[input]', 'candidate sets (default: the bundled sample, with examples/curate.json)')
    .option('-o, --output <output>', `output file (.jsonl, .jsonl.gz, .parquet) or - (default with no input: ${SAMPLE_OUTPUT})`)
    .option('--config <file>', 'JSON object of options (the command line wins)');
  addPairOptions(cmd);
  addSelectOptions(cmd, false);
  cmd
    .option('--route', 'route small-margin pairs to SFT (needs --threshold or --hard-fraction)', false)
    .option('--threshold <t>', 'route: hard iff margin < t', numberArg('--threshold'))
    .option('--hard-fraction <f>', 'route: the floor(f * n) smallest margins are hard', numberArg('--hard-fraction', 0, 1))
    .option('--sft <file>', 'route: the SFT output (default <out>.sft.jsonl)')
    .option('--augment', 'reward-conditioned augmentation of the (DPO) rows', false)
    .option('--template <text>', 'augment: goal text with {g}', PAPER_TEMPLATE)
    .addOption(new Option('--placement <where>', 'augment: where the goal goes').choices([...PLACEMENTS]).default('auto'));
  addInputOptions(cmd);
  cmd.hook('preAction', (thisCmd) => {
    const o = thisCmd.opts();
    const config = (o.config as string | undefined) ?? (thisCmd.args.length === 0 && existsSync(SAMPLE_CONFIG) ? SAMPLE_CONFIG : undefined);
    if (config) applyConfig(thisCmd, config, config === SAMPLE_CONFIG ? undefined : ctx.io.cwd);
  });
  return cmd.addHelpText('after', EXAMPLES + INPUT_HELP).action(async (inputArg: string | undefined, opts: Record<string, unknown>) => {
    const sample = inputArg === undefined;
    const input = inputArg ?? SAMPLE_INPUT;
    const output = (opts.output as string | undefined) ?? (sample ? SAMPLE_OUTPUT : undefined);
    if (output === undefined) throw new CliError('give -o <output> (with an input file)', EXIT.USAGE);
    const route = opts.route === true;
    const threshold = opts.threshold as number | undefined;
    const hardFraction = opts.hardFraction as number | undefined;
    if (route && (threshold === undefined) === (hardFraction === undefined)) throw new CliError('--route needs --threshold <t> or --hard-fraction <f> (one of them)', EXIT.USAGE);
    if (!route && (threshold !== undefined || hardFraction !== undefined || opts.sft !== undefined)) throw new CliError('--threshold, --hard-fraction and --sft need --route', EXIT.USAGE);
    const sftPath = route ? ((opts.sft as string | undefined) ?? `${output.replace(/\.(jsonl(\.gz)?|parquet)$/i, '')}.sft.jsonl`) : undefined;
    if (route && (output === '-' || sftPath === output)) throw new CliError('--route needs a file output and a different --sft file', EXIT.USAGE);
    const engine = await ctx.engine();
    const options = parseInputOptions(opts);
    const p = parsePairOptions(opts);
    const sel = parseSelectOptions(opts, false);
    // --report page.html writes the HTML report; any other --report file gets select's JSON summary.
    const htmlReport = htmlReportPath(sel.report);
    if (htmlReport) sel.report = true;
    const template = opts.template as string;
    if (opts.augment === true && !template.includes('{g}')) throw new CliError('--template must contain {g} (the goal score)', EXIT.USAGE);
    const parameters = {
      ...pairParameters(p),
      by: sel.by,
      ...sel.select,
      all: sel.all,
      route: route ? { threshold: threshold ?? null, hard_fraction: hardFraction ?? null, sft: sftPath } : null,
      augment: opts.augment === true ? { template, placement: opts.placement } : null,
      sample,
      output,
    };
    await withDataRun(ctx, { command: 'curate', input, output, options, parameters }, async (run) => {
      const builder = new PairRowsBuilder(run, groupEngineOf(engine), p.pairs, true);
      const collector = htmlReport ? new PoolCollector(p.pairs.transform === 'logit' ? 'logit' : 'none', engine) : undefined;
      const read = await readRows(run, collector ? collector.wrap(builder) : builder);
      const step = selectStep(read.rows, sel, p);
      const report: Record<string, unknown> = { construction: constructReportJson(builder.report), selection: step.report };
      let rows: Row[] = step.rows.filter((r) => r.selected !== null);
      if (p.weights) report.weights = weightStep(rows);
      let sftRows: Row[] = [];
      if (route) {
        const margins = rows.map((r) => (typeof r.margin === 'number' ? r.margin : Number.NaN));
        const routed = routeRows(rows, margins, threshold !== undefined ? { threshold } : { hardFraction });
        rows = routed.dpo;
        sftRows = routed.sft;
        report.route = { dpo: routed.dpo.length, sft: routed.sft.length, sft_output: sftPath };
      }
      if (opts.augment === true) {
        const aug: Row[] = [];
        const dropped: Record<string, number> = {};
        for (const r of rows) {
          const res = augmentRow(r, r.prompt_index as number, { template, placement: opts.placement as Placement });
          if ('rows' in res) aug.push(...res.rows);
          else dropped[res.drop] = (dropped[res.drop] ?? 0) + 1;
        }
        report.augment = { rows: aug.length, dropped };
        rows = aug;
      }
      // Accounting per input record: its final rows (pairs = DPO/augmented rows), or why it has none.
      const out = new Map<number, { rows: number; pairs: number }>();
      for (const r of rows) {
        const e = out.get(r.prompt_index as number) ?? { rows: 0, pairs: 0 };
        e.rows++;
        e.pairs++;
        out.set(r.prompt_index as number, e);
      }
      for (const r of sftRows) {
        const e = out.get(r.prompt_index as number) ?? { rows: 0, pairs: 0 };
        e.rows++;
        out.set(r.prompt_index as number, e);
      }
      if (sel.all) {
        // --all also writes the rows the selection dropped (selected = null).
        for (const r of step.rows) {
          if (r.selected !== null) continue;
          const e = out.get(r.prompt_index as number) ?? { rows: 0, pairs: 0 };
          e.rows++;
          e.pairs++;
          out.set(r.prompt_index as number, e);
        }
      }
      const keptRecords = new Set(read.recordOf.filter((_, i) => step.kept[i]));
      for (const rec of new Set(read.recordOf)) {
        const e = out.get(rec);
        if (e && e.rows > 0) run.tally.written(e.rows, e.pairs);
        else run.tally.noPairFor(keptRecords.has(rec) ? 'augment_dropped' : 'not_selected');
      }
      if (sel.all) rows = [...rows, ...step.rows.filter((r) => r.selected === null)];
      await writeRows(run, rows);
      await emitReport(run, step.report, sel.report, (f, v) => writeJsonAtomic(f, v, ctx.io.cwd));
      let sft;
      if (sftPath) {
        const s = inferSchema(sftRows);
        sft = await openRowWriter(sftPath, s.schema, { cwd: ctx.io.cwd });
        await sft.write(s.rows);
      }
      let manifest;
      try {
        manifest = await run.commit(engine.backend, { report });
        await sft?.commit();
        ctx.info(curateSummary(manifest, report, { sample, input, output, sft: sftPath }));
      } catch (e) {
        await sft?.abort();
        throw e;
      }
      // The page comes last: it shows the committed run's manifest.
      if (htmlReport && collector) {
        const r = report.route as { dpo: number; sft: number } | undefined;
        const where = await writeCurateReport(ctx, htmlReport, {
          collector,
          rows: read.rows,
          selection: { external: step.margins.external, implicit: step.margins.implicit, score: step.score, rank: step.rank },
          by: (step.report as { by?: string }).by,
          routing: r ? { dpo: r.dpo, sft: r.sft, threshold } : undefined,
          manifest: manifest as unknown as Record<string, unknown>,
          input,
          transform: p.pairs.transform ?? 'none',
        });
        ctx.info(`report: ${where}`);
      }
    });
  });
}

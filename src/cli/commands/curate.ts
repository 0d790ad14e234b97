// `pairsmith curate [input] -o <out>`: the main job in one run: read -> validate -> implicit rewards (when
// log-probs are given) -> per-prompt stats -> pairs -> selection -> optional weights, routing, augmentation ->
// write, with manifest and rejects. With no input it runs on the bundled sample and its config.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { FileSpool } from '../../io/node/spool.js';
import { PAPER_TEMPLATE, PLACEMENTS, type Placement } from '../../pipeline/augment.js';
import { runSelect, type SelectRunOptions } from '../../pipeline/run-select.js';
import { runPartial } from '../partial.js';
import { applyConfig } from '../config.js';
import type { OutputKind } from '../../io/node/output.js';
import type { CliContext } from '../context.js';
import { sidecarPaths, withDataRun } from '../data-run.js';
import { pipelineEngine } from '../engine-port.js';
import { CliError, EXIT } from '../io.js';
import { addShardOption, addInputOptions, INPUT_HELP, OUTPUT_FORMATS, parseInputOptions } from '../options.js';
import { addPairOptions, addSelectOptions, numberArg, pairParameters, parsePairOptions, parseSelectOptions } from '../pair-options.js';
import { emitReport } from '../select-step.js';
import { curateSummary } from '../curate-summary.js';
import { CurateReport } from '../../pipeline/report-feed.js';
import { htmlReportPath, writeCurateReport } from '../curate-report.js';

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
  $ pairsmith curate samples.jsonl -o curated.jsonl --fraction 0.1 --by bees --scale-external auto --calibration stable
  $ pairsmith curate judged.jsonl -o curated.jsonl --transform logit --report report.html   # + the HTML data report
Steps and their options are those of pairs, select, route and augment; --fraction defaults to 1 (rank, keep
all). --keep-ties keeps equal-score pairs through construction and --augment (augment's --filter-field needs the
rows: run pairsmith augment on curate's output). --config reads a JSON object of options (long names; the command line wins), e.g.
  {"strategy": "sweet-spot", "by": "bees", "fraction": 0.1, "weights": "rating-gap"}
`;

export function curateCommand(ctx: CliContext): Command {
  const cmd = new Command('curate')
    .description('the main job: candidates -> sweet-spot pairs -> margin selection -> weights / routing / augmentation')
    .argument('[input]', 'candidate sets (default: the bundled sample, with examples/curate.json)')
    .option('-o, --output <output>', `output file (.jsonl, .jsonl.gz, .parquet) or - for stdout (default: stdout; with no input: ${SAMPLE_OUTPUT})`)
    .addOption(new Option('--output-format <kind>', 'what to write, whatever the extension').choices([...OUTPUT_FORMATS]))
    .option('--config <file>', 'JSON object of options (the command line wins)');
  addPairOptions(cmd);
  addSelectOptions(cmd, false);
  cmd
    .option('--route', 'route small-margin pairs to SFT (needs --threshold or --hard-fraction)', false)
    .option('--threshold <t>', 'route: hard iff margin < t', numberArg('--threshold'))
    .option('--hard-fraction <f>', 'route: the floor(f * n) smallest margins are hard', numberArg('--hard-fraction', 0, 1))
    .option('--sft <file>', 'route: the SFT output (default: the output with its extension replaced by .sft.jsonl, e.g. dpo.jsonl -> dpo.sft.jsonl)')
    .option('--augment', 'reward-conditioned augmentation of the (DPO) rows', false)
    .option('--template <text>', 'augment: goal text with {g}', PAPER_TEMPLATE)
    .addOption(new Option('--placement <where>', 'augment: where the goal goes').choices([...PLACEMENTS]).default('auto'));
  addInputOptions(cmd);
  addShardOption(cmd, 'writes a partial result (-o a .jsonl file, plus <out>.margins.jsonl; with --report page.html <out>.report-state.jsonl) for pairsmith merge');
  cmd.hook('preAction', (thisCmd) => {
    const o = thisCmd.opts();
    const config = (o.config as string | undefined) ?? (thisCmd.args.length === 0 && existsSync(SAMPLE_CONFIG) ? SAMPLE_CONFIG : undefined);
    if (config) applyConfig(thisCmd, config, config === SAMPLE_CONFIG ? undefined : ctx.io.cwd);
  });
  return cmd.addHelpText('after', EXAMPLES + INPUT_HELP).action(async (inputArg: string | undefined, opts: Record<string, unknown>) => {
    const sample = inputArg === undefined;
    const input = inputArg ?? SAMPLE_INPUT;
    const output = (opts.output as string | undefined) ?? (sample ? SAMPLE_OUTPUT : '-');
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
    // --keep-ties keeps equal-score pairs through every step: construction, and augmentation (whose two rows then
    // carry one goal with opposite labels, as the released code's).
    const augment = opts.augment === true ? { template, placement: opts.placement as Placement, ...(p.pairs.keepTies ? { keepTies: true } : {}) } : undefined;
    const parameters = {
      ...pairParameters(p),
      by: sel.by,
      ...sel.select,
      all: sel.all,
      route: route ? { threshold: threshold ?? null, hard_fraction: hardFraction ?? null, sft: sftPath } : null,
      augment: augment ? { template, placement: opts.placement, ...(augment.keepTies ? { keep_ties: true } : {}) } : null,
      sample,
      output,
    };
    await withDataRun(ctx, { command: 'curate', input, output, options, parameters, twoPass: true, outputFormat: opts.outputFormat as OutputKind | undefined }, async (run) => {
      const runOptions: SelectRunOptions = {
        ...p.pairs,
        weights: p.weights,
        by: sel.by,
        select: sel.select,
        all: sel.all,
        curate: {
          route: route ? (threshold !== undefined ? { threshold } : { hardFraction }) : undefined,
          augment,
        },
      };
      // The report's analysis scale: logit as curate uses it; zscore is affine per prompt, so raw scores are shown.
      const collector = htmlReport ? new CurateReport(engine, p.pairs.transform === 'logit' ? 'logit' : 'none', () => new FileSpool()) : undefined;
      if (options.shard) {
        // Each shard keeps its report's state; pairsmith merge --report page.html writes the page.
        return runPartial(ctx, run, engine, runOptions, { command: 'curate', report: htmlReport ?? sel.report ?? null, threshold: threshold ?? null }, collector);
      }
      const out = (await run.openMain())!;
      const sft = sftPath ? await run.openExtra(sftPath) : undefined;
      const result = await runSelect(
        pipelineEngine(engine),
        run.input,
        run.read,
        {
          ...runOptions,
          spool: () => new FileSpool(),
          spill: () => new FileSpool(),
          onCandidates: collector?.add,
          onPairNumbers: collector?.addNumbers,
        },
        { main: out.sink, sft: sft?.sink },
        run.hooks,
        run.pool(engine),
      );
      const report = result.report;
      if (report.route) (report.route as Record<string, unknown>).sft_output = sftPath;
      await emitReport(ctx, report.selection as Record<string, unknown>, sel.report);
      const manifest = await run.commit(result, engine.backend);
      ctx.info(curateSummary(manifest, report, { sample, input, output, sft: sftPath, sidecars: sidecarPaths(output, ctx.io.cwd) }));
      // The page comes last: it shows the committed run's manifest.
      if (htmlReport && collector) {
        const where = await writeCurateReport(ctx, htmlReport, collector, { result, threshold, manifest: manifest as unknown as Record<string, unknown>, input });
        ctx.info(`report: ${where}`);
      }
    });
  });
}

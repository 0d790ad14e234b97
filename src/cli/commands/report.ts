// `pairsmith report <candidates-or-pairs> -o report.html [--pairs pairs.jsonl]`: one self-contained HTML page
// (inline SVG and CSS, no scripts, no network) with per-prompt distributions, chosen quality, gaps and ties,
// length bias, selection margins and routing, example pairs, rejected records and the run's manifest. The
// inputs stream through a ReportCollector (bounded memory); the page is written atomically.
import { Command, InvalidArgumentError, Option } from 'commander';
import { parsePosition } from '../../kernels/positions.js';
import { FileSpool } from '../../io/node/spool.js';
import { ReportCollector } from '../../report/index.js';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../io.js';
import { addInputOptions, INPUT_HELP, parseInputOptions } from '../options.js';
import { scaleLabels, transformClamps, type ReportTransform } from '../../pipeline/report-feed.js';
import { feedReportInput, selectionByOf, sidecarManifest } from '../report-read.js';
import { writeHtmlReport } from '../report-write.js';

const EXAMPLES = `
Examples:
  $ pairsmith report alpaca_eval_multi.jsonl --responses-field responses --scores-field scores --transform logit -o report.html
  $ pairsmith report candidates.jsonl --pairs pairs.jsonl -o report.html     # mark the pairs actually built
  $ pairsmith report selected.jsonl -o report.html                            # a pairs file alone: no pool statistics

The report reads what it is given: candidate pools give per-prompt distributions (z-scores, where the minimum
and the sweet spot sit) and, without --pairs, the sweet-spot picks (chosen = max, rejected nearest mu - 2 sigma);
a pairs file (output of pairs/select/route) gives the pairs' chosen, rejected and gap distributions, the margins
with the kept threshold (columns margin, implicit_margin, selection_score, selected) and routing (column route).
Response texts give the length statistics (chosen vs rejected) and tables of example pairs; rejected input
records are listed. Memory stays bounded: the input streams through, each prompt kept as a fixed-size summary.
`;

interface ReportOpts {
  output: string;
  pairs?: string;
  transform: ReportTransform;
  std: 'population' | 'sample';
  rejectedK: number;
  tieEpsilon: number;
  sample: number;
  title?: string;
}

function finiteNumber(flag: string, check: (x: number) => boolean, what: string) {
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x) || !check(x)) throw new InvalidArgumentError(`${flag} must be ${what}, got "${v}"`);
    return x;
  };
}

/** `mu-2sigma`, `mu+1.5sigma`, `mu` -> k (parsed by the kernels' parsePosition; max and min are not positions here). */
function parseRejected(v: string): number {
  let p;
  try {
    p = parsePosition(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message.replace(/^pairsmith: /, ''));
  }
  if (p.kind !== 'sigma') throw new InvalidArgumentError(`--rejected must be mu+k*sigma (the comparison is with the minimum), got "${v}"`);
  return p.k;
}

/** `route --threshold` (top level) or `curate --route --threshold` (under `route`) from a pairs run's manifest. */
function routeThreshold(params: Record<string, unknown>): number | undefined {
  const nested = params.route !== null && typeof params.route === 'object' ? (params.route as Record<string, unknown>).threshold : undefined;
  const t = params.threshold ?? nested;
  return typeof t === 'number' && Number.isFinite(t) ? t : undefined;
}

export function reportCommand(ctx: CliContext): Command {
  const cmd = new Command('report')
    .description('write a self-contained HTML report (SVG charts) of a candidates or pairs file')
    .argument('<input>', 'candidates or pairs file (.jsonl, .jsonl.gz, .json, .parquet) or - for stdin')
    .option('-o, --output <file>', 'the HTML file to write (atomically), or - for stdout (the default)', '-')
    .option('--pairs <file>', 'a pairs file built from <input> (rows with prompt_index, chosen_index, rejected_index)')
    .addOption(new Option('--transform <t>', 'score transform before statistics: logit = logit(clamp(p, 1e-6, 1 - 1e-6)) for scores in [0, 1]').choices(['none', 'logit']).default('none'))
    .addOption(new Option('--std <kind>', 'standard deviation: population (divide by n) or sample (n - 1)').choices(['population', 'sample']).default('population'))
    .addOption(new Option('--rejected <position>', 'rejected position compared with the minimum (mu+k*sigma)').argParser(parseRejected).default(-2, 'mu-2sigma'))
    .addOption(new Option('--tie-epsilon <e>', 'gaps in (0, e) count as near-ties (analysis scale)').argParser(finiteNumber('--tie-epsilon', (x) => x >= 0, 'a number >= 0')).default(0))
    .addOption(new Option('--sample <n>', 'prompts shown as small multiples').argParser(finiteNumber('--sample', (x) => Number.isInteger(x) && x >= 0 && x <= 100, 'an integer in [0, 100]')).default(12))
    .option('--title <text>', 'page title', 'pairsmith data report');
  addInputOptions(cmd);
  return cmd.addHelpText('after', EXAMPLES + INPUT_HELP).action(async (input: string, raw: Record<string, unknown>) => {
    const opts = { ...raw, rejectedK: raw.rejected } as unknown as ReportOpts;
    const engine = await ctx.engine();
    const options = parseInputOptions(raw);
    const parameters = { output: opts.output, pairs: opts.pairs ?? null, transform: opts.transform, std: opts.std, rejected_k: opts.rejectedK, tie_epsilon: opts.tieEpsilon };
    const collector = new ReportCollector(engine, {
      std: opts.std,
      rejectedK: opts.rejectedK,
      tieEpsilon: opts.tieEpsilon,
      sampleSize: opts.sample,
      pairsFrom: opts.pairs ? 'rows' : 'pools',
      // The columns go to a temp file as they grow, so memory stays bounded whatever the input size.
      spill: () => new FileSpool(),
    });
    try {
      let pairsInput: Record<string, unknown> | undefined;
      let pairsManifest: Record<string, unknown> | null = null;
      // The pairs file first: its rows are joined to the candidate pools as those stream past.
      if (opts.pairs) {
        const p = await feedReportInput(ctx, opts.pairs, { format: 'pairs', fields: {}, score: 'overall', onError: options.onError }, opts.transform, engine.backend, { role: 'pairs' }, collector, 'pairs');
        pairsInput = p.manifest as unknown as Record<string, unknown>;
        pairsManifest = sidecarManifest(opts.pairs, ctx.io.cwd);
      }
      const main = await feedReportInput(ctx, input, options, opts.transform, engine.backend, parameters, collector, opts.pairs ? 'main-with-pairs' : 'main');
      if (!opts.pairs && main.pools === 0) pairsManifest = sidecarManifest(input, ctx.io.cwd);
      const manifest: Record<string, unknown> = { report_input: main.manifest };
      if (pairsInput) manifest.pairs_input = pairsInput;
      if (pairsManifest) manifest.pairs_run = pairsManifest;
      if (main.pools === 0 && main.pairs === 0) throw new CliError(`${input}: no usable records (see the counts above)`, EXIT.BAD_INPUT);
      const params = (pairsManifest?.parameters ?? {}) as Record<string, unknown>;
      const data = collector.finish({
        title: opts.title,
        sources: opts.pairs ? [input, opts.pairs] : [input],
        generatedAt: (ctx.io.now?.() ?? new Date()).toISOString(),
        ...scaleLabels(opts.transform),
        clamps: transformClamps(opts.transform),
        selectionBy: selectionByOf(pairsManifest),
        routingThreshold: routeThreshold(params),
        manifest,
      });
      const where = await writeHtmlReport(ctx, opts.output, data);
      const p = data.pools;
      ctx.info(`report: ${p ? `${p.analysed} of ${p.prompts} prompts analysed, ` : ''}${data.pairs?.pairs ?? 0} pairs -> ${where}`);
    } finally {
      collector.close();
    }
  });
}

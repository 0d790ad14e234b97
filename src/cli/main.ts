// The CLI program: run(argv, io) builds the commander program, runs it and returns the exit code.
// Nothing here calls process.exit; bin.ts sets process.exitCode from the result.
import { Command, CommanderError, Option } from 'commander';
import { BACKENDS } from '../engine.js';
import { VERSION } from '../version.js';
import { infoCommand } from './commands/info.js';
import { statsCommand } from './commands/stats.js';
import { convertCommand } from './commands/convert.js';
import { pairsCommand } from './commands/pairs.js';
import { selectCommand } from './commands/select.js';
import { augmentCommand } from './commands/augment.js';
import { routeCommand } from './commands/route.js';
import { curateCommand } from './commands/curate.js';
import { lossCommand } from './commands/loss.js';
import { rpcaCommand } from './commands/rpca.js';
import { cleanCommand } from './commands/clean.js';
import { reportCommand } from './commands/report.js';
import { mergeCommand } from './commands/merge.js';
import { CliContext, type GlobalOptions } from './context.js';
import { CliError, EXIT, type CliIo } from './io.js';
import { toCliError } from './data-run.js';
import { InvalidArgumentError } from 'commander';

function intArg(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isInteger(x) || x < min || x > max) throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}], got '${v}'`);
    return x;
  };
}

const EXAMPLES = `
Examples:
  $ pairsmith curate                                the main job on the bundled sample
  $ pairsmith curate samples.jsonl -o curated.jsonl --fraction 0.1 --report report.html
  $ pairsmith pairs samples.jsonl -o pairs.jsonl    sweet-spot pairs (chosen = max, rejected near mu - 2 sigma)
  $ pairsmith stats alpaca_eval_multi.jsonl --responses-field responses --scores-field scores
  $ pairsmith loss logps.jsonl --loss sigmoid,ipo --beta 0.1 --json
  $ pairsmith info                                  which backend runs, and a kernel self-check
  $ pairsmith --backend js info                     force the pure-JS backend
  $ pairsmith <command> --help                      options and examples of one command
`;

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('pairsmith')
    .description('Build and curate DPO preference data: sweet-spot pairs, margin selection, RPCA cleaning, DPO-family losses.')
    .version(VERSION, '-V, --version')
    .addOption(new Option('--backend <backend>', 'kernel backend').choices(['auto', ...BACKENDS]).default('auto'))
    .option('-q, --quiet', 'no progress or summaries on stderr', false)
    .option('--max-record-bytes <n>', 'reject records larger than n bytes as too_large (default 268435456 = 256 MiB)', intArg('--max-record-bytes', 1))
    .option('--max-depth <n>', 'reject records nested deeper than n levels as too_deep (default 512, at most 4096)', intArg('--max-depth', 1, 4096))
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXAMPLES);
  program.addCommand(infoCommand(ctx));
  program.addCommand(statsCommand(ctx));
  program.addCommand(convertCommand(ctx));
  program.addCommand(pairsCommand(ctx));
  program.addCommand(selectCommand(ctx));
  program.addCommand(augmentCommand(ctx));
  program.addCommand(routeCommand(ctx));
  program.addCommand(curateCommand(ctx));
  program.addCommand(lossCommand(ctx));
  program.addCommand(rpcaCommand(ctx));
  program.addCommand(cleanCommand(ctx));
  program.addCommand(reportCommand(ctx));
  program.addCommand(mergeCommand(ctx));
  return program;
}

function configure(cmd: Command, io: CliIo): void {
  cmd.exitOverride();
  cmd.configureOutput({
    writeOut: (s) => io.stdout(s),
    writeErr: (s) => io.stderr(s),
    outputError: (s, write) => write(s),
  });
  for (const sub of cmd.commands) configure(sub, io);
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let program: Command | undefined;
  const ctx = new CliContext(io, () => (program?.opts() ?? { backend: 'auto', quiet: false }) as GlobalOptions);
  program = buildProgram(ctx);
  configure(program, io);
  if (argv.length === 0) {
    // No command: the help goes to stderr and the exit code says the command line was incomplete.
    io.stderr(program.helpInformation());
    return EXIT.USAGE;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.OK;
  } catch (e) {
    return handleError(e, io);
  }
}

/** The one place errors become messages and exit codes. */
function handleError(e: unknown, io: CliIo): number {
  if (e instanceof CommanderError) {
    // help and version exit 0 through here; commander has already printed the message.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.OK;
    return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  }
  const mapped = toCliError(e);
  if (mapped instanceof CliError) {
    io.stderr(`pairsmith: ${mapped.message}\n`);
    return mapped.exitCode;
  }
  const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
  io.stderr(`pairsmith: unexpected error: ${msg}\n`);
  return EXIT.FAILURE;
}

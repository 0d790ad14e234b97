// Runs `pairsmith pairs` end to end (the real command: reading, validation, manifest, rejects, atomic output)
// on a given engine, for the pairs benchmark and its peak-RSS child process.
import type { Engine } from '../src/engine.js';
import { CliContext } from '../src/cli/context.js';
import { buildProgram } from '../src/cli/main.js';

export async function runPairsCli(engine: Engine, input: string, output: string, extra: string[] = []): Promise<string> {
  let err = '';
  const io = { stdout: () => {}, stderr: (s: string) => void (err += s) };
  const ctx = new CliContext(io, () => ({ backend: engine.backend, quiet: true }));
  ctx.engine = async () => engine;
  const program = buildProgram(ctx).exitOverride();
  await program.parseAsync(['pairs', input, '-o', output, ...extra], { from: 'user' });
  return err;
}

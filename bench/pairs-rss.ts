// Child process of the pairs benchmark: one end-to-end run, then the peak RSS (`node pairs-rss.js <mode> <in> <out>`,
// mode = wasm-simd | js | plain-js). Prints {"ms", "cpuMs", "maxRssMb"} on stdout.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createEngineSync } from '../src/engine.js';
import { plainPairs } from './pairs-baseline.js';
import { runPairsCli } from './pairs-cli.js';

async function main(): Promise<void> {
  const [mode, input, output] = process.argv.slice(2) as [string, string, string];
  const t0 = performance.now();
  if (mode === 'plain-js') plainPairs(input, output);
  else {
    const engine =
      mode === 'js' ? createEngineSync({ backend: 'js' }) : createEngineSync({ backend: mode as 'wasm-simd', bytes: readFileSync(resolve('build', `${mode === 'wasm-simd' ? 'simd' : 'scalar'}.wasm`)) });
    await runPairsCli(engine, input, output);
  }
  const ms = performance.now() - t0;
  const u = process.resourceUsage();
  // CPU time (user + system) of the whole process: on a loaded machine wall time overstates the cost.
  const cpuMs = (u.userCPUTime + u.systemCPUTime) / 1000;
  process.stdout.write(`${JSON.stringify({ ms, cpuMs, maxRssMb: u.maxRSS / 1024 })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

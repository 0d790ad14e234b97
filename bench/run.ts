// `npm run bench [-- --quick] [-- --only <suite-substring>]`: runs every suite, prints Markdown tables,
// writes bench-results/<date>.json (gitignored).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createEngineSync } from '../src/engine.js';
import { formatRows, runCases, type BenchCase, type BenchEnv, type BenchRow } from './harness.js';
import * as reduce from './reduce.bench.js';
import * as scoring from './scoring.bench.js';
import * as losses from './losses.bench.js';
import * as pairs from './pairs.bench.js';
import * as rpca from './rpca.bench.js';
import * as e2e from './e2e.bench.js';

// Each suite registers here with one line.
const SUITES: Record<string, { cases(env: BenchEnv): Promise<BenchCase[]> }> = {
  reduce,
  scoring,
  losses,
  pairs,
  rpca,
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
  const bytes = (v: string) => readFileSync(resolve('build', `${v}.wasm`));
  const env: BenchEnv = {
    quick,
    engines: {
      'wasm-simd': createEngineSync({ backend: 'wasm-simd', bytes: bytes('simd') }),
      'wasm-scalar': createEngineSync({ backend: 'wasm-scalar', bytes: bytes('scalar') }),
      js: createEngineSync({ backend: 'js' }),
    },
  };
  const all: BenchRow[] = [];
  process.stdout.write(`# pairsmith benchmarks (node ${process.versions.node}, ${quick ? 'quick' : 'full'})\n\n`);
  for (const [name, suite] of Object.entries(SUITES)) {
    if (only && !name.includes(only)) continue;
    process.stdout.write(`\n## ${name}\n\n${formatRows([], true)}`);
    const rows = await runCases(await suite.cases(env), { quick, log: (s) => process.stdout.write(`${s}\n`) });
    all.push(...rows);
  }
  // End to end in fresh processes (its own table: wall, CPU, peak RSS, ratios).
  let e2eRows: e2e.E2eRow[] = [];
  if (!only || 'e2e'.includes(only)) {
    process.stdout.write('\n## e2e (fresh processes)\n');
    e2eRows = await e2e.run({ quick, large: args.includes('--large'), log: (s) => process.stdout.write(`${s}\n`) });
  }
  if (!only || 'longline'.includes(only)) {
    process.stdout.write('\n## longline (one record on one line, fresh processes)\n');
    e2eRows.push(...(await e2e.longLines({ quick, log: (s) => process.stdout.write(`${s}\n`) })));
  }
  mkdirSync('bench-results', { recursive: true });
  const file = `bench-results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify({ node: process.versions.node, quick, rows: all, e2e: e2eRows }, null, 2));
  process.stdout.write(`\nwrote ${file}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

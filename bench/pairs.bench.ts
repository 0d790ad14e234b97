// The pairs benchmark (issue target: >= 500 MB/s end to end, peak RSS <= 150 MB): a seeded candidates file of
// 50,000 prompts x 16 responses of about 200 characters (about 176 MB; --quick: 5,000 prompts), run through
// `pairsmith pairs` (sweet spot) end to end on each backend, against the plain-JS baseline (parse every line,
// compute in JS, serialize every row). Each variant's picks are checked against the baseline's first.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCandidates } from './gen-candidates.js';
import type { BenchCase, BenchEnv } from './harness.js';
import { plainPairs } from './pairs-baseline.js';
import { runPairsCli } from './pairs-cli.js';

function input(prompts: number): string {
  const dir = join(tmpdir(), 'pairsmith-bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `candidates-${prompts}x16x200-seed1.jsonl`);
  if (!existsSync(path)) {
    const fd = openSync(`${path}.tmp`, 'w');
    for (const chunk of generateCandidates({ prompts, candidates: 16, chars: 200, seed: 1 })) writeSync(fd, chunk);
    closeSync(fd);
    execFileSync('mv', [`${path}.tmp`, path]);
  }
  return path;
}

function picks(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const r = JSON.parse(l) as { prompt_index: number; chosen_index: number; rejected_index: number };
      return `${r.prompt_index}:${r.chosen_index}:${r.rejected_index}`;
    });
}

/** Peak RSS and time of one run in a fresh process (the figure the issue asks for). */
function childRun(mode: string, inPath: string, outPath: string): { ms: number; cpuMs: number; maxRssMb: number } {
  const script = fileURLToPath(new URL('./pairs-rss.js', import.meta.url));
  return JSON.parse(execFileSync(process.execPath, [script, mode, inPath, outPath], { encoding: 'utf8' })) as { ms: number; cpuMs: number; maxRssMb: number };
}

export async function cases(env: BenchEnv): Promise<BenchCase[]> {
  const prompts = env.quick ? 5000 : 50000;
  const inPath = input(prompts);
  const bytes = statSync(inPath).size;
  const out = (name: string) => join(tmpdir(), 'pairsmith-bench', `out-${name}.jsonl`);
  const mb = (bytes / 1e6).toFixed(0);
  for (const mode of ['wasm-simd', 'js', 'plain-js']) {
    const r = childRun(mode, inPath, out(`rss-${mode}`));
    const rate = (t: number) => (bytes / 1e6 / (t / 1000)).toFixed(0);
    process.stdout.write(
      `pairs ${mb} MB, fresh process, ${mode}: ${(r.ms / 1000).toFixed(2)} s wall (${rate(r.ms)} MB/s), ${(r.cpuMs / 1000).toFixed(2)} s CPU (${rate(r.cpuMs)} MB/s per CPU second), peak RSS ${r.maxRssMb.toFixed(0)} MB\n`,
    );
  }
  // Every variant's picks equal the independent baseline's before anything is timed.
  const want = picks(out('rss-plain-js'));
  for (const b of ['wasm-simd', 'js']) {
    const got = picks(out(`rss-${b}`));
    if (got.length !== want.length || got.some((x, i) => x !== want[i])) throw new Error(`pairs ${b}: picks differ from the plain-JS baseline`);
  }
  return [
    {
      suite: 'pairs end-to-end (sweet spot)',
      n: prompts,
      mode: `${mb} MB jsonl`,
      bytes,
      baseline: 'plain-js',
      tasks: [
        { name: 'wasm-simd', fn: async () => void (await runPairsCli(env.engines['wasm-simd'], inPath, out('wasm-simd'))) },
        { name: 'wasm-scalar', fn: async () => void (await runPairsCli(env.engines['wasm-scalar'], inPath, out('wasm-scalar'))) },
        { name: 'js', fn: async () => void (await runPairsCli(env.engines.js, inPath, out('js'))) },
        { name: 'plain-js', fn: () => void plainPairs(inPath, out('plain')) },
      ],
    },
  ];
}

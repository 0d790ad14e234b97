// Fresh-process start-up of the CLI: the bundled bin (dist/cli/pairsmith.js, which runs dist/cli/pairsmith.cjs with
// its V8 code cache), the same bundle without the cache (a copy in dist/cli-nocache/, removed after), and the
// unbundled tsc output (dist/cli/bin.js), alternating, wall time of each run. Usage: node scripts/startup-bench.mjs [runs=20]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runs = Number(process.argv[2] ?? 20);
const out = join(mkdtempSync(join(tmpdir(), 'pairsmith-startup-')), 'pairs.jsonl');
const COMMANDS = {
  '--version': ['--version'],
  'info': ['info'],
  'pairs (sample, 200 prompts)': ['pairs', 'examples/sample.candidates.jsonl', '-o', out, '--quiet'],
  'node -e 0 (Node alone)': null,
};
const BINS = { bundled: 'dist/cli/pairsmith.js', 'bundled, no code cache': 'dist/cli-nocache/pairsmith.js', unbundled: 'dist/cli/bin.js' };
// A sibling of dist/cli/: the bundle's relative paths (../../build/*.wasm, the sample) resolve the same.
mkdirSync('dist/cli-nocache', { recursive: true });
for (const f of ['pairsmith.js', 'pairsmith.cjs']) copyFileSync(join('dist/cli', f), join('dist/cli-nocache', f));
process.on('exit', () => rmSync('dist/cli-nocache', { recursive: true, force: true }));

const times = {};
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(COMMANDS)) {
    for (const [kind, bin] of Object.entries(args ? BINS : { '': null })) {
      const argv = args ? [bin, ...args] : ['-e', '0'];
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, argv, { stdio: 'ignore' });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0) throw new Error(`${argv.join(' ')} exited with ${r.status}`);
      (times[`${name} ${kind}`.trim()] ??= []).push(ms);
    }
  }
}

const q = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
console.log(`| command | median ms | min ms | max ms | (${runs} fresh processes each, alternating; Node ${process.version})`);
console.log('| --- | ---: | ---: | ---: |');
for (const [k, xs] of Object.entries(times)) {
  console.log(`| ${k} | ${q(xs, 0.5).toFixed(0)} | ${Math.min(...xs).toFixed(0)} | ${Math.max(...xs).toFixed(0)} |`);
}

// End to end, fresh processes (`npm run bench -- --only e2e`): the real CLI (the bundled entry, as `pairsmith` runs)
// on a seeded 50,000-prompt x 16-response candidates file (about 178 MB; --quick: 5,000 prompts), side by side
// with a json + numpy script doing the same job (bench/peers/curate_numpy.py, when python3 with numpy is present)
// and a DuckDB query doing what `pairs` does (bench/peers/pairs_duckdb.mjs, @duckdb/node-api, 2 threads), and
// `pairs` and `curate` with --threads 1 and --threads 2, in one run, alternating, the picks checked equal first
// (the --threads runs' outputs byte for byte against the default run's). Wall and CPU time and peak RSS come from
// /usr/bin/time (wall only without it); a fresh process counts its start (Node's, Python's, DuckDB's loading).
// With --large, pairs, curate and select also run on a 1 GB input (3 runs each, alternating) for the threads' gain and
// their peak RSS, beside the 2-thread ceiling at that size; so do report and curate --report, for their peak RSS.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateCandidates } from './gen-candidates.js';

interface Run {
  wallS: number;
  cpuS: number | null;
  rssMb: number | null;
}

interface Variant {
  name: string;
  argv: string[];
  out: string;
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const CLI = resolve('dist/cli/pairsmith.js');

function inputFile(prompts: number): string {
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

function hasNumpy(): boolean {
  return spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}

/** @duckdb/node-api (a dev dependency) is installed and loads (its native binding is for this platform). */
function hasDuckdb(): boolean {
  try {
    createRequire(import.meta.url).resolve('@duckdb/node-api');
  } catch {
    return false;
  }
  return spawnSync(process.execPath, ['--input-type=module', '-e', "await import('@duckdb/node-api')"], { stdio: 'ignore', cwd: resolve('.') }).status === 0;
}

/** One fresh process: wall, CPU (user + system) and peak RSS. The output is removed first (no rename over a file). */
function once(v: Variant): Run {
  rmSync(v.out, { force: true });
  const cmd = TIME ? [TIME, '-f', '@@ %e %U %S %M', ...v.argv] : v.argv;
  const t0 = performance.now();
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${v.name} failed (${r.status}): ${r.stderr}`);
  const m = /@@ ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  if (!m) return { wallS: wall, cpuS: null, rssMb: null };
  return { wallS: Number(m[1]), cpuS: Number(m[2]) + Number(m[3]), rssMb: Number(m[4]) / 1024 };
}

function picks(path: string, sorted = true): string[] {
  const out = readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const r = JSON.parse(l) as { prompt_index: number; chosen_index: number; rejected_index: number };
      return `${r.prompt_index}:${r.chosen_index}:${r.rejected_index}`;
    });
  return sorted ? out.sort() : out;
}

function same(a: string[], b: string[], what: string): void {
  if (a.length !== b.length || a.some((x, i) => x !== b[i])) throw new Error(`${what}: the picks differ (${a.length} vs ${b.length} pairs)`);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export interface E2eRow {
  task: string;
  wallS: number;
  cpuS: number | null;
  rssMb: number | null;
  mbPerS: number;
  runs: number;
  /** pairsmith pairs rows: the json+numpy pairs script's wall time / this row's. */
  vsNumpyPairs?: number;
  /** pairsmith pairs rows: the DuckDB pairs query's wall time / this row's. */
  vsDuckdbPairs?: number;
  /** --threads 2 rows: the same command's --threads 1 wall time / this row's. */
  threadsSpeedup?: number;
  /** A row of the 1 GB input (--large): compared only with its --threads 1 twin. */
  large?: boolean;
}

const CURATE = 'pairsmith curate --by external --fraction 0.1';
const DUCKDB_PAIRS = 'duckdb pairs (2 threads)';
const NUMPY_PAIRS = 'json+numpy pairs';

export async function run(o: { quick: boolean; large: boolean; log: (s: string) => void }): Promise<E2eRow[]> {
  if (!existsSync(CLI)) throw new Error('build first (npm run build): dist/cli/pairsmith.js is missing');
  const input = inputFile(o.quick ? 5000 : 50000);
  const mb = statSync(input).size / 1e6;
  // Outputs in a directory of this run's own (the machine is shared: two benchmarks must not write the same files).
  mkdirSync(join(tmpdir(), 'pairsmith-bench'), { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'pairsmith-bench', 'e2e-out-'));
  try {
    return measure(o, input, mb, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function measure(o: { quick: boolean; large: boolean; log: (s: string) => void }, input: string, mb: number, dir: string): E2eRow[] {
  const at = (f: string) => join(dir, f);
  const node = (name: string, args: string[], out: string): Variant => ({ name, argv: [process.execPath, CLI, '-q', ...args], out });
  const variants: Variant[] = [
    node('pairsmith pairs', ['pairs', input, '-o', at('pairs.jsonl')], at('pairs.jsonl')),
    node('pairsmith pairs --threads 1', ['pairs', input, '-o', at('pairs-t1.jsonl'), '--threads', '1'], at('pairs-t1.jsonl')),
    node('pairsmith pairs --threads 2', ['pairs', input, '-o', at('pairs-t2.jsonl'), '--threads', '2'], at('pairs-t2.jsonl')),
    node(CURATE, ['curate', input, '-o', at('curate.jsonl'), '--by', 'external', '--fraction', '0.1'], at('curate.jsonl')),
    node(`${CURATE} --threads 1`, ['curate', input, '-o', at('curate-t1.jsonl'), '--by', 'external', '--fraction', '0.1', '--threads', '1'], at('curate-t1.jsonl')),
    node(`${CURATE} --threads 2`, ['curate', input, '-o', at('curate-t2.jsonl'), '--by', 'external', '--fraction', '0.1', '--threads', '2'], at('curate-t2.jsonl')),
    node('pairsmith select --by external --fraction 0.1', ['select', input, '-o', at('select.jsonl'), '--by', 'external', '--fraction', '0.1'], at('select.jsonl')),
    node('pairsmith stats --per-prompt', ['stats', input, '--per-prompt', at('stats.jsonl')], at('stats.jsonl')),
    node('pairsmith convert (to trl)', ['convert', input, '-o', at('convert.jsonl')], at('convert.jsonl')),
  ];
  const numpy = hasNumpy();
  const peer = resolve('bench/peers/curate_numpy.py');
  if (numpy) {
    variants.push({ name: 'json+numpy curate (top 10% by margin)', argv: ['python3', peer, input, at('np-curate.jsonl'), '--fraction', '0.1'], out: at('np-curate.jsonl') });
    variants.push({ name: NUMPY_PAIRS, argv: ['python3', peer, input, at('np-pairs.jsonl'), '--input-order'], out: at('np-pairs.jsonl') });
  } else o.log('python3 with numpy not found: the json+numpy peer is skipped');
  const duckdb = hasDuckdb();
  if (duckdb) {
    const script = resolve('bench/peers/pairs_duckdb.mjs');
    variants.push({ name: DUCKDB_PAIRS, argv: [process.execPath, script, input, at('duckdb-pairs.jsonl'), '--threads', '2'], out: at('duckdb-pairs.jsonl') });
  } else o.log('@duckdb/node-api not installed or not loadable (npm ci installs it): the DuckDB peer is skipped');
  // Same picks first.
  for (const v of variants) once(v);
  for (const [a, b] of [
    ['pairs-t1.jsonl', 'pairs.jsonl'],
    ['pairs-t2.jsonl', 'pairs.jsonl'],
    ['curate-t1.jsonl', 'curate.jsonl'],
    ['curate-t2.jsonl', 'curate.jsonl'],
  ] as const) {
    if (!readFileSync(at(a)).equals(readFileSync(at(b)))) throw new Error(`${a} differs from ${b}: --threads changed the output`);
  }
  o.log('outputs checked: pairs and curate with --threads 1 and --threads 2 are byte for byte the default run\'s');
  if (duckdb) {
    same(picks(at('pairs.jsonl'), false), picks(at('duckdb-pairs.jsonl'), false), 'pairs vs duckdb');
    o.log('picks checked: pairs agrees with the DuckDB query (same pairs, same order)');
  }
  if (numpy) {
    same(picks(at('curate.jsonl')), picks(at('np-curate.jsonl')), 'curate vs json+numpy');
    same(picks(at('select.jsonl')), picks(at('np-curate.jsonl')), 'select vs json+numpy');
    same(picks(at('pairs.jsonl'), false), picks(at('np-pairs.jsonl'), false), 'pairs vs json+numpy');
    o.log('picks checked: pairs, curate and select agree with the json+numpy script');
  }
  const reps = o.quick ? 3 : 5;
  const runs = new Map<string, Run[]>(variants.map((v) => [v.name, []]));
  for (let k = 0; k < reps; k++) for (const v of variants) runs.get(v.name)!.push(once(v));
  // The machine's ceiling for two threads: two independent `pairs --threads 1` processes at once (nothing shared,
  // nothing to coordinate). Their throughput over one process's is the most any --threads 2 run could gain here
  // (a single thread already keeps part of the second core busy with V8's compiler and garbage collector).
  const together: number[] = [];
  const script = '"$1" "$2" -q pairs "$3" -o "$4" --threads 1 & "$1" "$2" -q pairs "$3" -o "$5" --threads 1 & wait';
  for (let k = 0; k < reps; k++) {
    const t0 = performance.now();
    const r = spawnSync('bash', ['-c', script, 'both', process.execPath, CLI, input, at('both-1.jsonl'), at('both-2.jsonl')], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`two pairs runs at once failed (${r.status})`);
    together.push((performance.now() - t0) / 1000);
  }
  const rows: E2eRow[] = variants.map((v) => {
    const rs = runs.get(v.name)!;
    const wallS = median(rs.map((r) => r.wallS));
    const cpu = rs.every((r) => r.cpuS !== null) ? median(rs.map((r) => r.cpuS!)) : null;
    const rss = rs.every((r) => r.rssMb !== null) ? Math.max(...rs.map((r) => r.rssMb!)) : null;
    return { task: v.name, wallS, cpuS: cpu, rssMb: rss, mbPerS: mb / wallS, runs: rs.length };
  });
  const togetherS = median(together);
  rows.push({ task: '2 x pairsmith pairs --threads 1, at once (the 2-thread ceiling)', wallS: togetherS, cpuS: null, rssMb: null, mbPerS: (2 * mb) / togetherS, runs: 1 });
  const alone = rows.find((r) => r.task === 'pairsmith pairs --threads 1')!.wallS;
  const ceiling = (2 * alone) / togetherS;
  let bigCeiling: number | undefined;
  if (o.large) {
    const big = inputFile(285000);
    const gb = statSync(big).size / 1e9;
    // The input is about 6x the main one: 3 runs of each, alternating (single runs move by 10-20% here), for the
    // threads' gain and the peak RSS at this size, and the 2-thread ceiling at this size.
    const bigVariants = (
      [
        ['pairs --threads 1', ['pairs', big, '-o', at('big.jsonl'), '--threads', '1']],
        ['pairs --threads 2', ['pairs', big, '-o', at('big.jsonl'), '--threads', '2']],
        ['curate --fraction 0.1 --threads 1', ['curate', big, '-o', at('big.jsonl'), '--fraction', '0.1', '--threads', '1']],
        ['curate --fraction 0.1 --threads 2', ['curate', big, '-o', at('big.jsonl'), '--fraction', '0.1', '--threads', '2']],
        ['select --fraction 0.1 --threads 1', ['select', big, '-o', at('big.jsonl'), '--fraction', '0.1', '--threads', '1']],
        ['select --fraction 0.1 --threads 2', ['select', big, '-o', at('big.jsonl'), '--fraction', '0.1', '--threads', '2']],
        // The report's peak RSS at this size: the page alone, and curate with its page (every core).
        ['report', ['report', big, '-o', at('big.html')]],
        ['curate --fraction 0.1 --report page.html', ['curate', big, '-o', at('big.jsonl'), '--fraction', '0.1', '--report', at('big.html')]],
      ] as const
    ).map(([name, args]) => node(`pairsmith ${name}`, [...args], name === 'report' ? at('big.html') : at('big.jsonl')));
    const BIG_REPS = 3;
    const bigRuns = new Map<string, Run[]>(bigVariants.map((v) => [v.name, []]));
    const bigTogether: number[] = [];
    for (let k = 0; k < BIG_REPS; k++) {
      for (const v of bigVariants) bigRuns.get(v.name)!.push(once(v));
      rmSync(at('big.jsonl'), { force: true });
      const t0 = performance.now();
      const r = spawnSync('bash', ['-c', script, 'both', process.execPath, CLI, big, at('both-1.jsonl'), at('both-2.jsonl')], { stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`two pairs runs at once failed (${r.status})`);
      bigTogether.push((performance.now() - t0) / 1000);
      rmSync(at('both-1.jsonl'), { force: true });
      rmSync(at('both-2.jsonl'), { force: true });
    }
    for (const v of bigVariants) {
      const rs = bigRuns.get(v.name)!;
      const wallS = median(rs.map((r) => r.wallS));
      const cpuS = rs.every((r) => r.cpuS !== null) ? median(rs.map((r) => r.cpuS!)) : null;
      const rssMb = rs.every((r) => r.rssMb !== null) ? Math.max(...rs.map((r) => r.rssMb!)) : null;
      rows.push({ task: `${v.name}, ${gb.toFixed(2)} GB input`, wallS, cpuS, rssMb, mbPerS: (gb * 1e3) / wallS, runs: rs.length, large: true });
    }
    const t = median(bigTogether);
    rows.push({ task: `2 x pairsmith pairs --threads 1, at once (the 2-thread ceiling), ${gb.toFixed(2)} GB input`, wallS: t, cpuS: null, rssMb: null, mbPerS: (2 * gb * 1e3) / t, runs: 1, large: true });
    bigCeiling = (2 * rows.find((r) => r.task === `pairsmith pairs --threads 1, ${gb.toFixed(2)} GB input`)!.wallS) / t;
    rmSync(at('big.jsonl'), { force: true });
    rmSync(at('big.html'), { force: true });
  }
  const byTask = (t: string) => rows.find((r) => r.task === t);
  const peerRow = rows.find((r) => r.task.startsWith('json+numpy curate'));
  const pairsRow = byTask('pairsmith pairs')!;
  const npPairs = byTask(NUMPY_PAIRS);
  const duckPairs = byTask(DUCKDB_PAIRS);
  for (const r of rows) {
    const one = r.task.replace(/ --threads 2(,|$)/, ' --threads 1$1');
    if (one !== r.task && byTask(one)) r.threadsSpeedup = byTask(one)!.wallS / r.wallS;
    if (r.runs < 2 || r.large) continue;
    if (r.task === 'pairsmith pairs' || r.task.startsWith('pairsmith pairs --threads')) {
      if (npPairs) r.vsNumpyPairs = npPairs.wallS / r.wallS;
      if (duckPairs) r.vsDuckdbPairs = duckPairs.wallS / r.wallS;
    }
  }
  const f = (x: number | null, d = 2) => (x === null ? '-' : x.toFixed(d));
  const x = (v: number | undefined, what: string) => (v === undefined ? '' : `${v.toFixed(2)}x ${what}`);
  o.log(`\ninput: ${mb.toFixed(0)} MB (${o.quick ? 5000 : 50000} prompts x 16 responses), median of ${reps} fresh processes per task, alternating`);
  o.log(`(pairsmith without --threads: every core (${availableParallelism()} here) for inputs of 256 MiB or more, else one thread)`);
  o.log(`two independent pairs --threads 1 processes at once: ${ceiling.toFixed(2)}x the throughput of one (the most --threads 2 could gain on this machine)${bigCeiling === undefined ? '' : `; ${bigCeiling.toFixed(2)}x on the 1 GB input`}\n`);
  o.log('| task | wall s | CPU s | peak RSS MB | MB/s | vs json+numpy curate | vs pairs | vs json+numpy pairs | vs duckdb pairs | --threads 2 vs 1 |');
  o.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const vsPeer = peerRow && r.task.startsWith('pairsmith') && r.runs > 1 && !r.large ? `${(peerRow.wallS / r.wallS).toFixed(2)}x faster` : '';
    const vsPairs = r !== pairsRow && r.task.startsWith('pairsmith') && r.runs > 1 && !r.large ? `${(r.wallS / pairsRow.wallS).toFixed(2)}x the time` : '';
    const cells = [x(r.vsNumpyPairs, 'faster'), x(r.vsDuckdbPairs, 'faster'), x(r.threadsSpeedup, 'faster')];
    o.log(`| ${r.task} | ${f(r.wallS)} | ${f(r.cpuS)} | ${f(r.rssMb, 0)} | ${r.mbPerS.toFixed(0)} | ${vsPeer} | ${vsPairs} | ${cells.join(' | ')} |`);
  }
  return rows;
}

/** A file holding one candidates record whose first response is `mb` MB long (a single line). */
function longLineFile(mb: number): string {
  const dir = join(tmpdir(), 'pairsmith-bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `long-line-${mb}mb.jsonl`);
  if (!existsSync(path)) {
    const fd = openSync(`${path}.tmp`, 'w');
    writeSync(fd, '{"prompt":"one long line","responses":["');
    const block = Buffer.alloc(1 << 20, 'a');
    for (let i = 0; i < mb; i++) writeSync(fd, block);
    writeSync(fd, '","short","mid"],"scores":[1,0,0.5]}\n');
    closeSync(fd);
    execFileSync('mv', [`${path}.tmp`, path]);
  }
  return path;
}

/** One record of 25, 50 and 100 MB on one line, from a file and from stdin: time and peak RSS grow linearly. */
export async function longLines(o: { quick: boolean; log: (s: string) => void }): Promise<E2eRow[]> {
  const sizes = o.quick ? [10, 20, 40] : [25, 50, 100];
  const rows: E2eRow[] = [];
  o.log('\n| one line of | from | wall s | CPU s | peak RSS MB | MB/s |');
  o.log('|---:|---|---:|---:|---:|---:|');
  for (const mb of sizes) {
    const file = longLineFile(mb);
    for (const from of ['file', 'stdin'] as const) {
      const argv = from === 'file' ? [process.execPath, CLI, '-q', 'stats', file] : ['sh', '-c', `cat ${file} | ${process.execPath} ${CLI} -q stats -`];
      const r = once({ name: `stats, one ${mb} MB line, ${from}`, argv, out: join(tmpdir(), 'pairsmith-bench', 'none') });
      rows.push({ task: `stats, one ${mb} MB line from ${from}`, wallS: r.wallS, cpuS: r.cpuS, rssMb: r.rssMb, mbPerS: mb / r.wallS, runs: 1 });
      o.log(`| ${mb} MB | ${from} | ${r.wallS.toFixed(2)} | ${r.cpuS?.toFixed(2) ?? '-'} | ${r.rssMb?.toFixed(0) ?? '-'} | ${(mb / r.wallS).toFixed(0)} |`);
    }
  }
  return rows;
}

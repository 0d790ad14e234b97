// End to end, fresh processes (`npm run bench -- --only e2e`): the real CLI (the bundled entry, as `pairsmith` runs)
// on a seeded 50,000-prompt x 16-response candidates file (about 178 MB; --quick: 5,000 prompts), side by side
// with a json + numpy script doing the same job (bench/peers/curate_numpy.py, when python3 with numpy is present),
// in one run, alternating, the picks checked equal first. Wall and CPU time and peak RSS come from /usr/bin/time
// (wall only without it). With --large, curate and select also run on a 1 GB input for their peak RSS.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
}

export async function run(o: { quick: boolean; large: boolean; log: (s: string) => void }): Promise<E2eRow[]> {
  if (!existsSync(CLI)) throw new Error('build first (npm run build): dist/cli/pairsmith.js is missing');
  const input = inputFile(o.quick ? 5000 : 50000);
  const mb = statSync(input).size / 1e6;
  const dir = join(tmpdir(), 'pairsmith-bench', 'e2e-out');
  mkdirSync(dir, { recursive: true });
  const at = (f: string) => join(dir, f);
  const node = (name: string, args: string[], out: string): Variant => ({ name, argv: [process.execPath, CLI, '-q', ...args], out });
  const variants: Variant[] = [
    node('pairsmith pairs', ['pairs', input, '-o', at('pairs.jsonl')], at('pairs.jsonl')),
    node('pairsmith curate --by external --fraction 0.1', ['curate', input, '-o', at('curate.jsonl'), '--by', 'external', '--fraction', '0.1'], at('curate.jsonl')),
    node('pairsmith select --by external --fraction 0.1', ['select', input, '-o', at('select.jsonl'), '--by', 'external', '--fraction', '0.1'], at('select.jsonl')),
    node('pairsmith stats --per-prompt', ['stats', input, '--per-prompt', at('stats.jsonl')], at('stats.jsonl')),
    node('pairsmith convert (to trl)', ['convert', input, '-o', at('convert.jsonl')], at('convert.jsonl')),
  ];
  const numpy = hasNumpy();
  const peer = resolve('bench/peers/curate_numpy.py');
  if (numpy) {
    variants.push({ name: 'json+numpy curate (top 10% by margin)', argv: ['python3', peer, input, at('np-curate.jsonl'), '--fraction', '0.1'], out: at('np-curate.jsonl') });
    variants.push({ name: 'json+numpy pairs', argv: ['python3', peer, input, at('np-pairs.jsonl'), '--input-order'], out: at('np-pairs.jsonl') });
  } else o.log('python3 with numpy not found: the json+numpy peer is skipped');
  // Same picks first.
  for (const v of variants) once(v);
  if (numpy) {
    same(picks(at('curate.jsonl')), picks(at('np-curate.jsonl')), 'curate vs json+numpy');
    same(picks(at('select.jsonl')), picks(at('np-curate.jsonl')), 'select vs json+numpy');
    same(picks(at('pairs.jsonl'), false), picks(at('np-pairs.jsonl'), false), 'pairs vs json+numpy');
    o.log('picks checked: pairs, curate and select agree with the json+numpy script');
  }
  const reps = o.quick ? 3 : 5;
  const runs = new Map<string, Run[]>(variants.map((v) => [v.name, []]));
  for (let k = 0; k < reps; k++) for (const v of variants) runs.get(v.name)!.push(once(v));
  const rows: E2eRow[] = variants.map((v) => {
    const rs = runs.get(v.name)!;
    const wallS = median(rs.map((r) => r.wallS));
    const cpu = rs.every((r) => r.cpuS !== null) ? median(rs.map((r) => r.cpuS!)) : null;
    const rss = rs.every((r) => r.rssMb !== null) ? Math.max(...rs.map((r) => r.rssMb!)) : null;
    return { task: v.name, wallS, cpuS: cpu, rssMb: rss, mbPerS: mb / wallS, runs: rs.length };
  });
  if (o.large) {
    const big = inputFile(285000);
    const gb = statSync(big).size / 1e9;
    for (const [name, args] of [
      ['curate', ['curate', big, '-o', at('big-curate.jsonl'), '--fraction', '0.1']],
      ['select', ['select', big, '-o', at('big-select.jsonl'), '--fraction', '0.1']],
    ] as const) {
      const r = once(node(`pairsmith ${name} (${gb.toFixed(2)} GB input)`, [...args], at(`big-${name}.jsonl`)));
      rows.push({ task: `pairsmith ${name} --fraction 0.1, ${gb.toFixed(2)} GB input`, wallS: r.wallS, cpuS: r.cpuS, rssMb: r.rssMb, mbPerS: (gb * 1e3) / r.wallS, runs: 1 });
    }
  }
  const peerRow = rows.find((r) => r.task.startsWith('json+numpy curate'));
  const pairsRow = rows.find((r) => r.task === 'pairsmith pairs')!;
  const f = (x: number | null, d = 2) => (x === null ? '-' : x.toFixed(d));
  o.log(`\ninput: ${mb.toFixed(0)} MB (${o.quick ? 5000 : 50000} prompts x 16 responses), median of ${reps} fresh processes per task, alternating\n`);
  o.log('| task | wall s | CPU s | peak RSS MB | MB/s | vs json+numpy curate | vs pairs |');
  o.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const vsPeer = peerRow && r.task.startsWith('pairsmith') ? `${(peerRow.wallS / r.wallS).toFixed(2)}x faster` : '';
    const vsPairs = r !== pairsRow && r.task.startsWith('pairsmith') && r.runs > 1 ? `${(r.wallS / pairsRow.wallS).toFixed(2)}x the time` : '';
    o.log(`| ${r.task} | ${f(r.wallS)} | ${f(r.cpuS)} | ${f(r.rssMb, 0)} | ${r.mbPerS.toFixed(0)} | ${vsPeer} | ${vsPairs} |`);
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

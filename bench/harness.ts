// The benchmark harness: one tinybench Bench per case, every variant of a kernel in the same run on the same
// data, outputs checked against the reference before timing. All tinybench result access lives here.
import { Bench } from 'tinybench';
import type { Backend, Engine } from '../src/engine.js';
import { mulberry32 } from '../src/pipeline/rng.js';

/** Deterministic pseudo-random data in [0, 1) (mulberry32). */
export const rng = mulberry32;

export interface BenchEnv {
  engines: Record<Backend, Engine>;
  /** Smaller sizes and shorter timing (`npm run bench -- --quick`). */
  quick: boolean;
}

export interface BenchTask {
  /** `wasm-simd`, `wasm-scalar`, `js`, or an extra such as `copy`. */
  name: string;
  fn: () => void;
  /** Bytes read + written per call when they differ from the case's (e.g. a copy reads and writes). */
  bytes?: number;
}

export interface BenchCase {
  /** The kernel or job, e.g. `implicitRewards`. */
  suite: string;
  /** Elements per call. */
  n: number;
  /** e.g. `resident` or `copy-in`. */
  mode?: string;
  /** Bytes read + written per call, for GB/s. */
  bytes?: number;
  /** Floating-point operations per call, for GFLOP/s. */
  flops?: number;
  /** Ratios are `baseline.p50 / task.p50` (above 1: the task is faster). Default `js`. */
  baseline?: string;
  /** Verifies every variant against the reference before timing; throws on mismatch. */
  check?: () => void;
  tasks: BenchTask[];
  /** Frees what the case allocated (resident buffers), after timing. */
  dispose?: () => void;
}

export interface BenchRow {
  suite: string;
  n: number;
  mode: string;
  task: string;
  p50Ms: number;
  rmePct: number;
  samples: number;
  elementsPerSec: number;
  gbPerSec: number | null;
  gflops: number | null;
  /** baseline p50 / this p50; null for the baseline itself or when it is missing. */
  ratio: number | null;
  baseline: string;
}

/** Times every task of every case; returns one row per task. */
export async function runCases(cases: BenchCase[], opts: { quick: boolean; log?: (s: string) => void }): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const c of cases) {
    c.check?.();
    const bench = new Bench({
      time: opts.quick ? 150 : 500,
      warmupTime: opts.quick ? 30 : 100,
      iterations: 5,
      warmupIterations: 2,
      throws: true,
    });
    for (const t of c.tasks) bench.add(t.name, t.fn);
    await bench.run();
    const baseline = c.baseline ?? 'js';
    const stats = bench.tasks.map((t) => {
      const r = t.result;
      if (r.state !== 'completed') throw new Error(`bench ${c.suite}/${c.n}/${t.name}: ${r.state}`);
      const bytes = c.tasks.find((x) => x.name === t.name)?.bytes ?? c.bytes;
      return { name: t.name, p50: r.latency.p50 ?? r.latency.mean, rme: r.latency.rme, samples: r.latency.samplesCount ?? t.runs, bytes };
    });
    const base = stats.find((s) => s.name === baseline);
    for (const s of stats) {
      const sec = s.p50 / 1000;
      rows.push({
        suite: c.suite,
        n: c.n,
        mode: c.mode ?? '',
        task: s.name,
        p50Ms: s.p50,
        rmePct: s.rme,
        samples: s.samples,
        elementsPerSec: c.n / sec,
        gbPerSec: s.bytes !== undefined ? s.bytes / sec / 1e9 : null,
        gflops: c.flops !== undefined ? c.flops / sec / 1e9 : null,
        ratio: base && s.name !== baseline ? base.p50 / s.p50 : null,
        baseline,
      });
    }
    c.dispose?.();
    opts.log?.(formatRows(rows.slice(rows.length - stats.length)));
  }
  return rows;
}

function fmt(x: number | null, digits = 2): string {
  if (x === null || !Number.isFinite(x)) return '';
  if (Math.abs(x) >= 1e9) return `${(x / 1e9).toFixed(digits)}G`;
  if (Math.abs(x) >= 1e6) return `${(x / 1e6).toFixed(digits)}M`;
  if (Math.abs(x) >= 1e3) return `${(x / 1e3).toFixed(digits)}k`;
  return x.toFixed(digits);
}

/** A Markdown table of rows (the README's format). */
export function formatRows(rows: BenchRow[], header = false): string {
  const head = '| kernel | n | mode | task | median ms | rme % | elements/s | GB/s | GFLOP/s | vs baseline |\n|---|---:|---|---|---:|---:|---:|---:|---:|---:|\n';
  const body = rows
    .map(
      (r) =>
        `| ${r.suite} | ${r.n} | ${r.mode} | ${r.task} | ${r.p50Ms.toFixed(4)} | ${r.rmePct.toFixed(1)} | ${fmt(r.elementsPerSec)} | ${fmt(r.gbPerSec)} | ${fmt(r.gflops)} | ${r.ratio === null ? '' : `${r.ratio.toFixed(2)}x ${r.baseline}`} |`,
    )
    .join('\n');
  return (header ? head : '') + body;
}


/** Throws unless |a - b| <= tol * max(1, |b|) element-wise (NaN equals NaN). */
export function assertClose(label: string, a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-9): void {
  if (a.length !== b.length) throw new Error(`${label}: length ${a.length} != ${b.length}`);
  for (let i = 0; i < b.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    if (!(Math.abs(x - y) <= tol * Math.max(1, Math.abs(y)))) throw new Error(`${label}: [${i}] ${x} != ${y}`);
  }
}

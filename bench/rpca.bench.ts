// RPCA: GEMM GFLOP/s (simd/scalar/js), IALM solves (spec 4.2 setup: rank 5%, 5% errors, tol 1e-7) against the
// JS twin and a plain IALM on ml-matrix's full SVD, and a batch of 10,000 16x16 preference matrices.
import { linalg } from '../src/reference/index.js';
import { assertClose, rng, type BenchCase, type BenchEnv } from './harness.js';
import { ialmMlMatrix } from './ialm-mlmatrix.js';

function gaussian(r: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** A* = L R^T (N(0,1) factors, rank 5%) plus 5% errors U[-500, 500]. */
export function lcmProblem(m: number, seed: number): { D: Float64Array; A: Float64Array } {
  const r = rng(seed);
  const g = gaussian(r);
  const k = Math.round(0.05 * m);
  const A = linalg.gemm(Float64Array.from({ length: m * k }, g), Float64Array.from({ length: k * m }, g), m, m, k);
  const D = A.map((v) => (r() < 0.05 ? v + (r() * 2 - 1) * 500 : v));
  return { D, A };
}

function relErr(x: Float64Array, y: Float64Array): number {
  let e = 0;
  let s = 0;
  for (let i = 0; i < y.length; i++) (e += (x[i]! - y[i]!) ** 2), (s += y[i]! ** 2);
  return Math.sqrt(e / s);
}

/** n x n BTL logit matrices with 10% flipped pairs, back to back. */
export function btlBatch(count: number, n: number, seed = 7): Float64Array {
  const r = rng(seed);
  const g = gaussian(r);
  const out = new Float64Array(count * n * n);
  for (let k = 0; k < count; k++) {
    const s = Array.from({ length: n }, g);
    const o = k * n * n;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const y = (s[i]! - s[j]!) * (r() < 0.1 ? -1 : 1);
        out[o + i * n + j] = y;
        out[o + j * n + i] = -y;
      }
    }
  }
  return out;
}

function slow(): boolean {
  return typeof process !== 'undefined' && process.env.PAIRSMITH_BENCH_SLOW === '1';
}

export async function cases(env: BenchEnv): Promise<BenchCase[]> {
  const e = env.engines;
  const out: BenchCase[] = [];
  for (const n of env.quick ? [64, 256] : [64, 256, 512]) {
    const r = rng(n);
    const a = Float64Array.from({ length: n * n }, () => r() - 0.5);
    const b = Float64Array.from({ length: n * n }, () => r() - 0.5);
    out.push({
      suite: 'gemm f64',
      n,
      mode: `${n}x${n}x${n}`,
      flops: 2 * n * n * n,
      check: () => {
        const want = linalg.gemm(a, b, n, n, n);
        assertClose('gemm simd', e['wasm-simd'].gemm(a, b, n, n, n), want, 1e-12);
        assertClose('gemm scalar', e['wasm-scalar'].gemm(a, b, n, n, n), want, 1e-12);
      },
      tasks: [
        { name: 'wasm-simd', fn: () => void e['wasm-simd'].gemm(a, b, n, n, n) },
        { name: 'wasm-scalar', fn: () => void e['wasm-scalar'].gemm(a, b, n, n, n) },
        { name: 'js', fn: () => void e.js.gemm(a, b, n, n, n) },
      ],
    });
  }
  const sizes = env.quick ? [200] : [500, 1000];
  for (const m of sizes) {
    const p = lcmProblem(m, m);
    const tasks = [
      { name: 'wasm-simd', fn: () => void e['wasm-simd'].rpca(p.D, m, m) },
      { name: 'js', fn: () => void e.js.rpca(p.D, m, m) },
    ];
    // A full ml-matrix SVD per iteration takes minutes per solve from 500x500 up: opt in with PAIRSMITH_BENCH_SLOW=1.
    if (m <= 200 || slow()) {
      tasks.push({ name: 'ml-matrix', fn: () => void ialmMlMatrix(p.D, m, m) });
    }
    out.push({
      suite: 'rpca ialm',
      n: m * m,
      mode: `${m}x${m} rank ${Math.round(0.05 * m)}`,
      check: () => {
        const got = e['wasm-simd'].rpca(p.D, m, m);
        if (!got.converged || relErr(got.L, p.A) > 1e-5) throw new Error(`rpca ${m}: wasm-simd did not recover A`);
      },
      tasks,
    });
  }
  const count = env.quick ? 1000 : 10000;
  const withJs = env.quick || slow();
  const data = btlBatch(count, 16);
  const dims = new Int32Array(2 * count).fill(16);
  out.push({
    suite: 'rpca batch',
    n: count,
    mode: '16x16 each',
    check: () => {
      const want = e.js.rpcaBatch(data.subarray(0, 50 * 256), dims.subarray(0, 100));
      assertClose('batch simd', e['wasm-simd'].rpcaBatch(data.subarray(0, 50 * 256), dims.subarray(0, 100)).L, want.L, 1e-5);
    },
    baseline: withJs ? 'js' : 'wasm-scalar',
    tasks: [
      { name: 'wasm-simd', fn: () => void e['wasm-simd'].rpcaBatch(data, dims) },
      { name: 'wasm-scalar', fn: () => void e['wasm-scalar'].rpcaBatch(data, dims) },
      // the JS twin needs over 2 minutes per call at 10,000 matrices: opt in with PAIRSMITH_BENCH_SLOW=1
      ...(withJs ? [{ name: 'js', fn: () => void e.js.rpcaBatch(data, dims) }] : []),
    ],
  });
  return out;
}

// Small noisy matrices (clean's typical prompt sizes): batches of n x n BTL logit matrices with 10% flipped pairs
// (the generator of the rpca bench), solved by IALM with the defaults in one rpcaBatch call per size. Prints the
// wall time (median of `reps` calls), the converged fraction and the iteration counts, and with `ref` the largest
// relative objective difference to the same solver run with maxIter 20,000 and dualTol 1e-9 (README "Robust PCA").
// Run: npx tsc -p bench/tsconfig.json && node build/ts/bench/rpca-small.js [reps] [ref] [backend] [options as JSON]
// (options: e.g. '{"dualTol":1e-4}', passed to every solve but the reference run)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createEngineSync } from '../src/engine.js';
import { btlBatch } from './rpca.bench.js';

const reps = Number(process.argv[2] ?? 3);
const withRef = process.argv[3] === 'ref';
const backend = (process.argv[4] ?? 'wasm-simd') as 'wasm-simd' | 'wasm-scalar';
const options = JSON.parse(process.argv[5] ?? '{}') as Record<string, number>;
const file = backend === 'wasm-simd' ? 'simd.wasm' : 'scalar.wasm';
const engine = createEngineSync({ backend, bytes: readFileSync(resolve('build', file)) });
console.log(`${backend}, median of ${reps}, options ${JSON.stringify(options)}`);
console.log('| batch | wall s | converged | iterations median / p90 / max | max rel. objective diff to 20k-iteration run |');
console.log('|---|---:|---:|---:|---:|');
for (const [count, n] of [[1000, 16], [200, 24], [200, 32], [200, 48]] as const) {
  const data = btlBatch(count, n);
  const dims = new Int32Array(2 * count).fill(n);
  const times: number[] = [];
  let res = engine.rpcaBatch(data, dims, options);
  for (let k = 0; k < reps; k++) {
    const t0 = performance.now();
    res = engine.rpcaBatch(data, dims, options);
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  const it = Array.from(res.iterations).sort((a, b) => a - b);
  let conv = 0;
  for (const c of res.converged) conv += c;
  let worst = '';
  if (withRef) {
    const ref = engine.rpcaBatch(data, dims, { maxIter: 20000, dualTol: 1e-9 } as never);
    let w = 0;
    for (let k = 0; k < count; k++) w = Math.max(w, Math.abs(res.objective[k]! - ref.objective[k]!) / Math.abs(ref.objective[k]!));
    worst = w.toExponential(1);
  }
  const q = (f: number) => it[Math.min(it.length - 1, Math.floor(f * it.length))]!;
  console.log(`| ${count} x ${n}x${n} | ${times[Math.floor(times.length / 2)]!.toFixed(2)} | ${(conv / count * 100).toFixed(1)} % | ${q(0.5)} / ${q(0.9)} / ${it[it.length - 1]} | ${worst} |`);
}

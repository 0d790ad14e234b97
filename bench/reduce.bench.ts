// sum over f32 and f64 columns: wasm-simd vs wasm-scalar vs js, resident and copy-in, with a copy baseline.
import { reduce } from '../src/reference/index.js';
import { assertClose, rng, type BenchCase, type BenchEnv } from './harness.js';

export async function cases(env: BenchEnv): Promise<BenchCase[]> {
  const sizes = env.quick ? [1 << 10, 1 << 16, 1 << 20] : [1 << 10, 1 << 14, 1 << 18, 1 << 22];
  const out: BenchCase[] = [];
  for (const ctor of [Float32Array, Float64Array]) {
    for (const n of sizes) {
      const r = rng(n);
      const x = new ctor(n);
      for (let i = 0; i < n; i++) x[i] = r() - 0.5;
      const dst = new ctor(n);
      const resident = {
        simd: env.engines['wasm-simd'].alloc(ctor as Float64ArrayConstructor, n),
        scalar: env.engines['wasm-scalar'].alloc(ctor as Float64ArrayConstructor, n),
      };
      resident.simd.view().set(x);
      resident.scalar.view().set(x);
      const want = reduce.sum(x).sum;
      const name = `sum ${ctor === Float32Array ? 'f32' : 'f64'}`;
      out.push({
        suite: name,
        n,
        mode: 'resident',
        bytes: x.byteLength,
        check: () => {
          assertClose(name, [env.engines['wasm-simd'].sum(resident.simd).sum], [want], 1e-9);
          assertClose(name, [env.engines['wasm-scalar'].sum(resident.scalar).sum], [want], 1e-9);
        },
        tasks: [
          { name: 'wasm-simd', fn: () => void env.engines['wasm-simd'].sum(resident.simd) },
          { name: 'wasm-scalar', fn: () => void env.engines['wasm-scalar'].sum(resident.scalar) },
          { name: 'js', fn: () => void env.engines.js.sum(x) },
          // memory bandwidth baseline: read n + write n elements
          { name: 'copy', fn: () => dst.set(x), bytes: 2 * x.byteLength },
        ],
        dispose: () => {
          resident.simd.free();
          resident.scalar.free();
        },
      });
      out.push({
        suite: name,
        n,
        mode: 'copy-in',
        bytes: x.byteLength,
        tasks: [
          { name: 'wasm-simd', fn: () => void env.engines['wasm-simd'].sum(x) },
          { name: 'wasm-scalar', fn: () => void env.engines['wasm-scalar'].sum(x) },
          { name: 'js', fn: () => void env.engines.js.sum(x) },
        ],
      });
    }
  }
  return out;
}

// dpoLosses: wasm-simd vs wasm-scalar vs js on one loss (sigmoid), the cheap pairwise set, and every loss type
// (incl. the batch-coupled sorts; `all18` is the 18 types that were there before sigmoid_norm, so runs stay
// comparable, and `all` every type), resident and copy-in.
import { LOSS_TYPES, type LossColumns, type LossOptions, type LossType } from '../src/kernels/losses.js';
import type { ResidentBuffer } from '../src/kernels/types.js';
import { referenceKernels as losses } from '../src/reference/index.js';
import { assertClose, rng, type BenchCase, type BenchEnv } from './harness.js';

const SETS: [string, LossType[]][] = [
  ['sigmoid', ['sigmoid']],
  ['pairwise4', ['sigmoid', 'ipo', 'hinge', 'robust']],
  ['all18', LOSS_TYPES.filter((t) => t !== 'sigmoid_norm')],
  ['all', [...LOSS_TYPES]],
];

type Cols = { [K in keyof Required<LossColumns>]: Float64Array };

function columns(n: number): Cols {
  const r = rng(n + 11);
  const col = (f: () => number) => Float64Array.from({ length: n }, f);
  const rc = col(() => -300 * r());
  const rr = col(() => -300 * r());
  return {
    policyChosen: rc.map((v) => v + 3 * (r() - 0.3)),
    policyRejected: rr.map((v) => v + 3 * (r() - 0.7)),
    referenceChosen: rc,
    referenceRejected: rr,
    chosenLength: col(() => Math.floor(1 + 200 * r())),
    rejectedLength: col(() => Math.floor(1 + 200 * r())),
    gap: col(() => 0.1 + 3 * r()),
  };
}

export async function cases(env: BenchEnv): Promise<BenchCase[]> {
  const sizes = env.quick ? [1 << 10, 1 << 16] : [1 << 10, 1 << 14, 1 << 18, 1 << 20];
  const out: BenchCase[] = [];
  for (const n of sizes) {
    const cols = columns(n);
    const resident = (backend: 'wasm-simd' | 'wasm-scalar') =>
      Object.fromEntries(
        Object.entries(cols).map(([k, v]) => {
          const b = env.engines[backend].alloc(Float64Array, n);
          b.view().set(v);
          return [k, b];
        }),
      ) as { [K in keyof Cols]: ResidentBuffer<Float64Array> };
    const res = { simd: resident('wasm-simd'), scalar: resident('wasm-scalar') };
    for (const [setName, set] of SETS) {
      const opts: LossOptions = { losses: set, beta: 0.1, batchSize: 8 };
      const k = set.length;
      // read 7 columns, write 3k + 3 columns of f64
      const bytes = 8 * n * (7 + 3 * k + 3);
      const check = () => {
        const want = losses.dpoLosses(cols, opts);
        for (const [name, c] of [['wasm-simd', res.simd], ['wasm-scalar', res.scalar]] as const) {
          const got = env.engines[name].dpoLosses(c, opts);
          for (const t of set) {
            assertClose(`${name} ${t}`, got.loss[t]!, want.loss[t]!, 1e-10);
            assertClose(`${name} ${t} d/dc`, got.gradChosen[t]!, want.gradChosen[t]!, 1e-10);
          }
        }
      };
      out.push({
        suite: `dpoLosses ${setName}`,
        n,
        mode: 'resident',
        bytes,
        check,
        tasks: [
          { name: 'wasm-simd', fn: () => void env.engines['wasm-simd'].dpoLosses(res.simd, opts) },
          { name: 'wasm-scalar', fn: () => void env.engines['wasm-scalar'].dpoLosses(res.scalar, opts) },
          { name: 'js', fn: () => void env.engines.js.dpoLosses(cols, opts) },
        ],
      });
      out.push({
        suite: `dpoLosses ${setName}`,
        n,
        mode: 'copy-in',
        bytes,
        tasks: [
          { name: 'wasm-simd', fn: () => void env.engines['wasm-simd'].dpoLosses(cols, opts) },
          { name: 'wasm-scalar', fn: () => void env.engines['wasm-scalar'].dpoLosses(cols, opts) },
          { name: 'js', fn: () => void env.engines.js.dpoLosses(cols, opts) },
        ],
      });
    }
    const last = out[out.length - 1]!;
    last.dispose = () => {
      for (const b of [...Object.values(res.simd), ...Object.values(res.scalar)]) b.free();
    };
  }
  return out;
}

// Scoring and group-statistics kernels (issue 3): implicitRewards, sequenceLogps, groupStats, pickPositions,
// zscores at 2^10..2^24 elements; wasm-simd vs wasm-scalar vs js on the same data, resident and copy-in, with a
// memory-bandwidth baseline task `copy` (a typed-array copy of the kernel's input bytes) in every resident case.
// Data is generated in check() (run just before a case is timed) and dropped in dispose(), so only one size
// is in memory at a time.
import type { Backend, Engine } from '../src/engine.js';
import type { TypedArray, TypedArrayCtor } from '../src/wasm/arena.js';
import type { ResidentBuffer } from '../src/wasm/resident.js';
import { groups as refGroups, scoring as refScoring } from '../src/reference/index.js';
import { parsePosition } from '../src/kernels/positions.js';
import { assertClose, rng, type BenchCase, type BenchEnv } from './harness.js';

const WASM: Backend[] = ['wasm-simd', 'wasm-scalar'];
const TOKENS_PER_SEQ = 256; // typical completion length
const GROUP = 56; // responses per prompt (as in the AlpacaEval multi-sample data)
const POSITIONS = ['max', 'mu-2sigma'];

type Cols = Record<string, TypedArray>;

/** Puts `cols` into resident buffers of `engine` (or returns them unchanged for js / copy-in). */
function place(engine: Engine, cols: Cols, resident: boolean): Record<string, TypedArray | ResidentBuffer> {
  if (!resident || engine.backend === 'js') return cols;
  const out: Record<string, ResidentBuffer> = {};
  for (const [k, v] of Object.entries(cols)) {
    const b = engine.alloc(v.constructor as TypedArrayCtor, v.length);
    b.view().set(v as never);
    out[k] = b;
  }
  return out;
}

function free(placed: Record<string, unknown>): void {
  for (const v of Object.values(placed)) if (v && typeof v === 'object' && 'free' in v) (v as ResidentBuffer).free();
}

function csr(n: number, per: number): Int32Array {
  const groups = Math.max(1, Math.round(n / per));
  const o = new Int32Array(groups + 1);
  for (let g = 1; g <= groups; g++) o[g] = Math.round((g * n) / groups);
  return o;
}

function floats<T extends Float32Array | Float64Array>(ctor: { new (n: number): T }, n: number, seed: number, f: (u: number) => number): T {
  const r = rng(seed);
  const x = new ctor(n);
  for (let i = 0; i < n; i++) x[i] = f(r());
  return x;
}

interface KernelSpec {
  suite: string;
  /** The input columns for n elements (including offsets). */
  data(n: number): Cols;
  /** The output columns to preallocate (resident or typed). */
  outputs(cols: Cols): Cols;
  /** Calls the kernel on `engine` with placed inputs and outputs. */
  call(engine: Engine, cols: Record<string, TypedArray | ResidentBuffer>): void;
  /** The result to compare (read back from placed outputs). */
  result(cols: Record<string, TypedArray | ResidentBuffer>): ArrayLike<number>;
  /** The reference result. */
  reference(cols: Cols): ArrayLike<number>;
  tol: number;
  /** Bytes read + written per call, flops per call. */
  bytes(cols: Cols): number;
  flops?(n: number): number;
}

const read = (x: TypedArray | ResidentBuffer): ArrayLike<number> => (ArrayBuffer.isView(x) ? x : x.view()) as ArrayLike<number>;
const bytesOf = (cols: Cols) => Object.values(cols).reduce((s, v) => s + v.byteLength, 0);

const SPECS: KernelSpec[] = [
  {
    suite: 'implicitRewards f32',
    data: (n) => ({
      policy: floats(Float32Array, n, 1, (u) => -6 * u),
      reference: floats(Float32Array, n, 2, (u) => -6 * u),
      offsets: csr(n, TOKENS_PER_SEQ),
    }),
    outputs: (c) => ({ out: new Float64Array(c.offsets!.length - 1) }),
    call: (e, c) => void e.implicitRewards(c.policy as Float32Array, c.reference as Float32Array, c.offsets as Int32Array, { beta: 0.1 }, c.out as Float64Array),
    result: (c) => read(c.out!),
    reference: (c) => refScoring.implicitRewards(c.policy as Float32Array, c.reference as Float32Array, c.offsets as Int32Array, { beta: 0.1 }),
    tol: 1e-10,
    bytes: bytesOf,
    flops: (n) => 2 * n,
  },
  {
    suite: 'sequenceLogps f32',
    data: (n) => ({ tokens: floats(Float32Array, n, 3, (u) => -6 * u), offsets: csr(n, TOKENS_PER_SEQ) }),
    outputs: (c) => ({ out: new Float64Array(c.offsets!.length - 1) }),
    call: (e, c) => void e.sequenceLogps(c.tokens as Float32Array, c.offsets as Int32Array, { reduce: 'sum' }, c.out as Float64Array),
    result: (c) => read(c.out!),
    reference: (c) => refScoring.sequenceLogps(c.tokens as Float32Array, c.offsets as Int32Array, { reduce: 'sum' }),
    tol: 1e-10,
    bytes: bytesOf,
    flops: (n) => n,
  },
  {
    suite: 'groupStats',
    data: (n) => ({ values: floats(Float64Array, n, 4, (u) => u * u), offsets: csr(n, GROUP) }),
    outputs: (c) => {
      const g = c.offsets!.length - 1;
      return { mean: new Float64Array(g), std: new Float64Array(g), count: new Int32Array(g), min: new Float64Array(g), max: new Float64Array(g), argmin: new Int32Array(g), argmax: new Int32Array(g), nonFinite: new Int32Array(g) };
    },
    call: (e, c) => {
      const { values, offsets, ...out } = c;
      void e.groupStats(values as Float64Array, offsets as Int32Array, {}, out as never);
    },
    result: (c) => [...Array.from(read(c.mean!)), ...Array.from(read(c.std!)), ...Array.from(read(c.argmax!)), ...Array.from(read(c.argmin!))],
    reference: (c) => {
      const s = refGroups.groupStats(c.values as Float64Array, c.offsets as Int32Array);
      return [...Array.from(s.mean), ...Array.from(s.std), ...Array.from(s.argmax), ...Array.from(s.argmin)];
    },
    tol: 1e-10,
    bytes: bytesOf,
  },
  {
    suite: 'pickPositions',
    data: (n) => {
      const values = floats(Float64Array, n, 5, (u) => u * u);
      const offsets = csr(n, GROUP);
      const s = refGroups.groupStats(values, offsets);
      return { values, offsets, mean: s.mean, std: s.std, exclude: s.argmax };
    },
    outputs: (c) => ({ out: new Int32Array((c.offsets!.length - 1) * POSITIONS.length) }),
    call: (e, c) =>
      void e.pickPositions(c.values as Float64Array, c.offsets as Int32Array, { mean: c.mean as Float64Array, std: c.std as Float64Array }, POSITIONS, { exclude: c.exclude as Int32Array }, c.out as Int32Array),
    result: (c) => read(c.out!),
    reference: (c) =>
      refGroups.pickPositions(c.values as Float64Array, c.offsets as Int32Array, { mean: c.mean as Float64Array, std: c.std as Float64Array }, POSITIONS.map((p) => parsePosition(p)), { exclude: c.exclude as Int32Array }),
    tol: 0,
    bytes: bytesOf,
  },
  {
    suite: 'zscores',
    data: (n) => {
      const values = floats(Float64Array, n, 6, (u) => u * u);
      const offsets = csr(n, GROUP);
      const s = refGroups.groupStats(values, offsets);
      return { values, offsets, mean: s.mean, std: s.std };
    },
    outputs: (c) => ({ out: new Float64Array(c.values!.length) }),
    call: (e, c) => void e.zscores(c.values as Float64Array, c.offsets as Int32Array, { mean: c.mean as Float64Array, std: c.std as Float64Array }, c.out as Float64Array),
    result: (c) => read(c.out!),
    reference: (c) => refGroups.zscores(c.values as Float64Array, c.offsets as Int32Array, { mean: c.mean as Float64Array, std: c.std as Float64Array }),
    tol: 0,
    bytes: bytesOf,
  },
];

function makeCase(env: BenchEnv, spec: KernelSpec, n: number, mode: 'resident' | 'copy-in'): BenchCase {
  const resident = mode === 'resident';
  let state: { cols: Cols; placed: Record<Backend, Record<string, TypedArray | ResidentBuffer>>; src: Uint8Array; dst: Uint8Array } | null = null;
  const names: Backend[] = [...WASM, 'js'];
  const c: BenchCase = {
    suite: spec.suite,
    n,
    mode,
    check: () => {
      const data = spec.data(n);
      const outs = spec.outputs(data);
      const cols = { ...data, ...outs };
      const placed = {} as Record<Backend, Record<string, TypedArray | ResidentBuffer>>;
      for (const b of names) {
        // copy-in: inputs are copied by the API on every call; outputs go to a preallocated typed array
        const own: Cols = {};
        for (const [k, v] of Object.entries(outs)) own[k] = new (v.constructor as TypedArrayCtor)(v.length);
        placed[b] = { ...place(env.engines[b], data, resident), ...place(env.engines[b], own, resident) };
      }
      const inBytes = bytesOf(data);
      state = { cols, placed, src: new Uint8Array(inBytes), dst: new Uint8Array(inBytes) };
      c.bytes = spec.bytes(cols);
      c.flops = spec.flops?.(n);
      const want = spec.reference(data);
      for (const b of names) {
        spec.call(env.engines[b], placed[b]);
        assertClose(`${spec.suite}/${n}/${mode}/${b}`, spec.result(placed[b]), want, spec.tol);
      }
    },
    tasks: names.map((b) => ({ name: b, fn: () => spec.call(env.engines[b], state!.placed[b]) })),
    dispose: () => {
      if (state) for (const b of names) free(state.placed[b]);
      state = null;
    },
  };
  if (resident) {
    // memory-bandwidth baseline: copy as many bytes as the kernel reads (read + write = 2x)
    c.tasks.push({ name: 'copy', fn: () => state!.dst.set(state!.src), get bytes() { return state ? 2 * state.src.byteLength : undefined; } } as never);
  }
  return c;
}

export async function cases(env: BenchEnv): Promise<BenchCase[]> {
  const sizes = env.quick ? [1 << 10, 1 << 16, 1 << 20] : [10, 12, 14, 16, 18, 20, 22, 24].map((p) => 2 ** p);
  const out: BenchCase[] = [];
  for (const spec of SPECS) {
    for (const n of sizes) {
      out.push(makeCase(env, spec, n, 'resident'));
      out.push(makeCase(env, spec, n, 'copy-in'));
    }
  }
  return out;
}

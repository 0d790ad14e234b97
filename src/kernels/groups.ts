// Per-group statistics of scores (one group = the N scored responses of a prompt): stats, position picks and
// z-scores. API types, argument checks and the WASM binding (assembly/kernels/groups.ts). CSR layout: group g
// holds values [offsets[g], offsets[g+1]); offsets is an Int32Array of length groups + 1.
import type { WasmContext } from '../wasm/context.js';
import { check } from '../wasm/abi.js';
import { isResident } from '../wasm/resident.js';
import type { Column } from './types.js';
import { assertArray, assertOffsets } from './validate.js';
import { parsePosition, type PositionInput } from './positions.js';

export interface GroupStatsOptions {
  /** `population` (ddof 0, the default, as spec selection.md 1.3) or `sample` (ddof 1). */
  std?: 'population' | 'sample';
}

/** Structure of arrays, one entry per group, over the finite values of the group. */
export interface GroupStats {
  /** Number of finite values. */
  count: Int32Array;
  mean: Float64Array;
  /** sqrt(sum (x - mean)^2 / (count - ddof)); NaN when count - ddof <= 0 (no values; one value with `sample`). */
  std: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** Local index (within the group) of the first minimum / maximum; -1 for a group with no finite values. */
  argmin: Int32Array;
  argmax: Int32Array;
  /** Number of NaN/+-Inf values, skipped by every other field. */
  nonFinite: Int32Array;
}

/** Where groupStats writes: any subset of the fields, as typed arrays or resident buffers of length groups. */
export type GroupStatsOut = Partial<{ [K in keyof GroupStats]: Column<GroupStats[K]> }>;

/** The per-group mean and std that pickPositions and zscores read (a GroupStats result fits). */
export interface MeanStd {
  mean: Column<Float64Array>;
  std: Column<Float64Array>;
}

export interface PickOptions {
  /**
   * Which slot the picks fill, for the value tie-break (spec 1.5): `rejected` (default) prefers the lower value
   * among equally distant candidates, `chosen` the higher; then the lower index wins.
   */
  role?: 'rejected' | 'chosen';
  /** Int32Array (length groups) of a local index per group never to pick (e.g. the chosen one), -1 for none. */
  exclude?: Column<Int32Array>;
}

export interface GroupKernels {
  /**
   * Per-group count, mean, std, min, max, argmin, argmax over the finite values, and the count of non-finite
   * values (skipped). A group with no finite values gets NaN mean/std/min/max and -1 argmin/argmax. Ties for
   * min/max go to the lowest index. Values near 1e300 are handled (the sum and squares are rescaled exactly
   * by powers of two on overflow). Shapes: values (n), offsets (groups + 1). `out` fields may be resident.
   * Errors: TypeError (kinds), RangeError (offsets, std option, out lengths). O(n), two passes per group.
   */
  groupStats(values: Column<Float64Array>, offsets: Column<Int32Array>, options?: GroupStatsOptions, out?: GroupStatsOut): GroupStats;
  /**
   * For each group g and position p, out[g * positions.length + p] = the local index of the finite candidate
   * whose value is nearest to the target (mu_g + k*sigma_g; `max` / `min` are the extreme values), or -1 when
   * the group has no eligible candidate. Ties (spec 1.5): smaller |x - t|, then the lower value for role
   * `rejected` (higher for `chosen`), then the lower index. Defined edge cases: a target outside the range maps
   * to the nearest extreme; sigma = 0 makes every mu+k*sigma target equal mu (all finite values equal it, so the
   * lowest index is picked: the caller should skip such a group, spec 1.5); a non-finite sigma (one finite value
   * with std 'sample') is taken as 0, so a group of one picks its only value for every position; a non-finite
   * mean gives -1. Non-finite values and the `exclude`d index are never picked.
   * Errors: TypeError/RangeError for kinds, lengths and unparseable positions. O(n * positions).
   */
  pickPositions(
    values: Column<Float64Array>,
    offsets: Column<Int32Array>,
    stats: MeanStd,
    positions: readonly PositionInput[],
    options?: PickOptions,
    out?: Column<Int32Array>,
  ): Int32Array;
  /**
   * out[i] = (x[i] - mean_g) / std_g for each element of group g, plain IEEE (as scipy.stats.zscore): sigma = 0
   * gives NaN (x = mean) or +-Inf, a NaN value or NaN stats give NaN. Shapes: values (n), out (n). O(n).
   */
  zscores(values: Column<Float64Array>, offsets: Column<Int32Array>, stats: MeanStd, out?: Column<Float64Array>): Float64Array;
}

// Position kinds, mirrored in assembly/kernels/groups.ts.
const KIND = { sigma: 0, max: 1, min: 2 } as const;

function checkLen(x: unknown, name: string, n: number, ...types: Parameters<typeof assertArray>[2][]): void {
  assertArray(x, name, ...types);
  const len = (x as { length: number }).length;
  if (len !== n) throw new RangeError(`pairsmith: ${name} has length ${len}, expected ${n}`);
}

function checkStats(stats: unknown, groups: number): void {
  if (stats === null || typeof stats !== 'object' || ArrayBuffer.isView(stats) || isResident(stats)) {
    throw new TypeError('pairsmith: stats must be { mean, std } (e.g. a groupStats result)');
  }
  const st = stats as MeanStd;
  checkLen(st.mean, 'stats.mean', groups, Float64Array);
  checkLen(st.std, 'stats.std', groups, Float64Array);
}

const STAT_TYPES = {
  count: Int32Array,
  mean: Float64Array,
  std: Float64Array,
  min: Float64Array,
  max: Float64Array,
  argmin: Int32Array,
  argmax: Int32Array,
  nonFinite: Int32Array,
} as const;
const STAT_KEYS = Object.keys(STAT_TYPES) as (keyof GroupStats)[];

export function guardGroups(k: GroupKernels): GroupKernels {
  return {
    groupStats(values, offsets, options, out) {
      assertArray(values, 'values', Float64Array);
      assertOffsets(offsets, values.length);
      if (options !== undefined && (options === null || typeof options !== 'object')) throw new TypeError('pairsmith: options must be an object');
      const sd = options?.std;
      if (sd !== undefined && sd !== 'population' && sd !== 'sample') {
        throw new RangeError(`pairsmith: options.std must be 'population' or 'sample', got ${String(sd)}`);
      }
      if (out !== undefined) {
        if (out === null || typeof out !== 'object') throw new TypeError('pairsmith: out must be an object of columns');
        for (const key of Object.keys(out)) {
          if (!(key in STAT_TYPES)) throw new RangeError(`pairsmith: out.${key} is not a groupStats field`);
          const v = out[key as keyof GroupStats];
          if (v !== undefined) checkLen(v, `out.${key}`, offsets.length - 1, STAT_TYPES[key as keyof GroupStats]);
        }
      }
      return k.groupStats(values, offsets, options, out);
    },
    pickPositions(values, offsets, stats, positions, options, out) {
      assertArray(values, 'values', Float64Array);
      assertOffsets(offsets, values.length);
      const groups = offsets.length - 1;
      checkStats(stats, groups);
      if (!Array.isArray(positions)) throw new TypeError('pairsmith: positions must be an array (e.g. [\'max\', \'mu-2sigma\'])');
      const parsed = positions.map((p) => parsePosition(p));
      if (options !== undefined && (options === null || typeof options !== 'object')) throw new TypeError('pairsmith: options must be an object');
      const role = options?.role;
      if (role !== undefined && role !== 'rejected' && role !== 'chosen') {
        throw new RangeError(`pairsmith: options.role must be 'rejected' or 'chosen', got ${String(role)}`);
      }
      if (options?.exclude !== undefined) checkLen(options.exclude, 'options.exclude', groups, Int32Array);
      if (out !== undefined) checkLen(out, 'out', groups * parsed.length, Int32Array);
      return k.pickPositions(values, offsets, stats, parsed, options, out);
    },
    zscores(values, offsets, stats, out) {
      assertArray(values, 'values', Float64Array);
      assertOffsets(offsets, values.length);
      checkStats(stats, offsets.length - 1);
      if (out !== undefined) checkLen(out, 'out', values.length, Float64Array);
      return k.zscores(values, offsets, stats, out);
    },
  };
}

export function bindGroups(ctx: WasmContext): GroupKernels {
  return {
    groupStats(values, offsets, options, out) {
      const groups = offsets.length - 1;
      return ctx.run((s) => {
        const [xp, op] = s.inputs(values, offsets);
        const outs = STAT_KEYS.map((key) => ctx.output(s, STAT_TYPES[key] as never, groups, out?.[key] as never));
        const ptr = outs.map((o) => o.ptr);
        check('groupStats', ctx.raw.groupStatsF64(xp!, op!, groups, options?.std === 'sample' ? 1 : 0, ...(ptr as [number, number, number, number, number, number, number, number])));
        const res = {} as Record<string, unknown>;
        STAT_KEYS.forEach((key, i) => (res[key] = outs[i]!.finish()));
        return res as unknown as GroupStats;
      });
    },
    pickPositions(values, offsets, stats, positions, options, out) {
      const groups = offsets.length - 1;
      const parsed = positions.map((p) => parsePosition(p));
      const kinds = Int32Array.from(parsed, (p) => KIND[p.kind]);
      const ks = Float64Array.from(parsed, (p) => (p.kind === 'sigma' ? p.k : 0));
      return ctx.run((s) => {
        const ex = options?.exclude;
        const ptrs = ex === undefined ? s.inputs(values, offsets, stats.mean, stats.std, kinds, ks) : s.inputs(values, offsets, stats.mean, stats.std, kinds, ks, ex);
        const o = ctx.output(s, Int32Array, groups * parsed.length, out);
        const chosen = options?.role === 'chosen' ? 1 : 0;
        check('pickPositions', ctx.raw.pickPositionsF64(ptrs[0]!, ptrs[1]!, groups, ptrs[2]!, ptrs[3]!, ptrs[4]!, ptrs[5]!, parsed.length, chosen, ptrs[6] ?? 0, o.ptr));
        return o.finish();
      });
    },
    zscores(values, offsets, stats, out) {
      const groups = offsets.length - 1;
      return ctx.run((s) => {
        const ptrs = s.inputs(values, offsets, stats.mean, stats.std);
        const o = ctx.output(s, Float64Array, values.length, out);
        check('zscores', ctx.raw.zscoresF64(ptrs[0]!, ptrs[1]!, groups, ptrs[2]!, ptrs[3]!, o.ptr));
        return o.finish();
      });
    },
  };
}

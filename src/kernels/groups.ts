// Per-group statistics of scores (one group = the N scored responses of a prompt): stats, position picks and
// z-scores. API types, argument checks and the WASM binding (assembly/kernels/groups.ts). CSR layout: group g
// holds values [offsets[g], offsets[g+1]); offsets is an Int32Array of length groups + 1.
import type { WasmContext } from '../wasm/context.js';
import { isResident, type EngineTag } from '../wasm/resident.js';
import type { Column } from './types.js';
import { assertChoice, ColumnCheck } from './validate.js';
import { parsePosition, type Position, type PositionInput } from './positions.js';

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
   * min/max go to the lowest index. Values of any finite magnitude are handled: when the largest is beyond 2^+-400
   * the statistics are taken at an exact power-of-two scale, so spreads of 1e-170, values near max double and
   * subnormals keep their true std. Shapes: values (n), offsets (groups + 1). `out` fields may be resident.
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

export type StdKind = 'population' | 'sample';

export interface ResolvedPickOptions {
  role: 'rejected' | 'chosen';
  exclude: Column<Int32Array> | undefined;
}

/** What the WASM binding and the JS twin implement (arguments checked, options resolved, positions parsed). */
export interface GroupBackend {
  groupStats(values: Column<Float64Array>, offsets: Column<Int32Array>, options: { std: StdKind }, out: GroupStatsOut): GroupStats;
  pickPositions(
    values: Column<Float64Array>,
    offsets: Column<Int32Array>,
    stats: MeanStd,
    positions: readonly Position[],
    options: ResolvedPickOptions,
    out?: Column<Int32Array>,
  ): Int32Array;
  zscores(values: Column<Float64Array>, offsets: Column<Int32Array>, stats: MeanStd, out?: Column<Float64Array>): Float64Array;
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

function assertObject(o: unknown, name: string, what: string): void {
  if (o !== undefined && (o === null || typeof o !== 'object' || ArrayBuffer.isView(o) || isResident(o))) {
    throw new TypeError(`pairsmith: ${name} must be ${what}`);
  }
}

export function guardGroups(b: GroupBackend, owner: EngineTag | null): GroupKernels {
  const statsCheck = new ColumnCheck('groupStats', owner);
  const pickCheck = new ColumnCheck('pickPositions', owner);
  const zCheck = new ColumnCheck('zscores', owner);

  function meanStd(c: ColumnCheck, stats: unknown, groups: number): void {
    if (stats === undefined) throw new TypeError('pairsmith: stats must be { mean, std } (e.g. a groupStats result)');
    assertObject(stats, 'stats', '{ mean, std } (e.g. a groupStats result)');
    const st = stats as MeanStd;
    c.sized(st.mean, 'stats.mean', groups, Float64Array);
    c.sized(st.std, 'stats.std', groups, Float64Array);
  }

  return {
    groupStats(values, offsets, options, out) {
      statsCheck.column(values, 'values', Float64Array);
      statsCheck.offsets(offsets, values.length);
      assertObject(options, 'options', 'an object');
      assertChoice(options?.std, 'options.std', ['population', 'sample']);
      assertObject(out, 'out', 'an object of columns');
      for (const key of Object.keys(out ?? {})) {
        if (!(key in STAT_TYPES)) throw new RangeError(`pairsmith: out.${key} is not a groupStats field`);
        const v = out![key as keyof GroupStats];
        if (v !== undefined) statsCheck.sized(v, `out.${key}`, offsets.length - 1, STAT_TYPES[key as keyof GroupStats]);
      }
      return b.groupStats(values, offsets, { std: options?.std ?? 'population' }, out ?? {});
    },
    pickPositions(values, offsets, stats, positions, options, out) {
      pickCheck.column(values, 'values', Float64Array);
      pickCheck.offsets(offsets, values.length);
      const groups = offsets.length - 1;
      meanStd(pickCheck, stats, groups);
      if (!Array.isArray(positions)) throw new TypeError("pairsmith: positions must be an array (e.g. ['max', 'mu-2sigma'])");
      const parsed = positions.map((p) => parsePosition(p));
      assertObject(options, 'options', 'an object');
      assertChoice(options?.role, 'options.role', ['rejected', 'chosen']);
      if (options?.exclude !== undefined) pickCheck.sized(options.exclude, 'options.exclude', groups, Int32Array);
      if (out !== undefined) pickCheck.sized(out, 'out', groups * parsed.length, Int32Array);
      return b.pickPositions(values, offsets, stats, parsed, { role: options?.role ?? 'rejected', exclude: options?.exclude }, out);
    },
    zscores(values, offsets, stats, out) {
      zCheck.column(values, 'values', Float64Array);
      zCheck.offsets(offsets, values.length);
      meanStd(zCheck, stats, offsets.length - 1);
      if (out !== undefined) zCheck.sized(out, 'out', values.length, Float64Array);
      return b.zscores(values, offsets, stats, out);
    },
  };
}

interface GroupExports {
  groupStatsF64(args: number): number;
  pickPositionsF64(args: number): number;
  zscoresF64(xPtr: number, offPtr: number, groups: number, meanPtr: number, stdPtr: number, outPtr: number): number;
}

const PICK_ARGS = ['values', 'offsets', 'groups', 'mean', 'std', 'kinds', 'ks', 'positions', 'chosen', 'exclude', 'out'] as const;

export function bindGroups(ctx: WasmContext): GroupBackend {
  const raw = ctx.abi.functions<GroupExports>({ groupStatsF64: true, pickPositionsF64: true, zscoresF64: true });
  const statsArgs = ctx.abi.block('GroupStatsArg', ['values', 'offsets', 'groups', 'ddof', ...STAT_KEYS] as const);
  const pickArgs = ctx.abi.block('PickPositionsArg', PICK_ARGS);
  const kind = ctx.abi.codes('PositionKind', ['sigma', 'max', 'min'] as const);
  return {
    groupStats(values, offsets, { std }, out) {
      const groups = offsets.length - 1;
      return ctx.run((s) => {
        const [xp, op] = s.inputs(values, offsets);
        const [count, mean, sd, min, max, argmin, argmax, nonFinite] = STAT_KEYS.map((key) => ctx.output(s, STAT_TYPES[key] as never, groups, out[key] as never));
        const block = statsArgs.write({
          values: xp!, offsets: op!, groups, ddof: std === 'sample' ? 1 : 0, count: count!.ptr, mean: mean!.ptr, std: sd!.ptr,
          min: min!.ptr, max: max!.ptr, argmin: argmin!.ptr, argmax: argmax!.ptr, nonFinite: nonFinite!.ptr,
        });
        ctx.check('groupStats', raw.groupStatsF64(block));
        return {
          count: count!.finish(), mean: mean!.finish(), std: sd!.finish(), min: min!.finish(), max: max!.finish(),
          argmin: argmin!.finish(), argmax: argmax!.finish(), nonFinite: nonFinite!.finish(),
        } as GroupStats;
      });
    },
    pickPositions(values, offsets, stats, positions, options, out) {
      const groups = offsets.length - 1;
      const kinds = Int32Array.from(positions, (p) => kind[p.kind]);
      const ks = Float64Array.from(positions, (p) => (p.kind === 'sigma' ? p.k : 0));
      return ctx.run((s) => {
        const ex = options.exclude;
        const [vp, op, mp, sp, kp, ksp, exp = 0] = ex === undefined ? s.inputs(values, offsets, stats.mean, stats.std, kinds, ks) : s.inputs(values, offsets, stats.mean, stats.std, kinds, ks, ex);
        const o = ctx.output(s, Int32Array, groups * positions.length, out);
        const block = pickArgs.write({
          values: vp!, offsets: op!, groups, mean: mp!, std: sp!, kinds: kp!, ks: ksp!, positions: positions.length,
          chosen: options.role === 'chosen' ? 1 : 0, exclude: exp, out: o.ptr,
        });
        ctx.check('pickPositions', raw.pickPositionsF64(block));
        return o.finish();
      });
    },
    zscores(values, offsets, stats, out) {
      const groups = offsets.length - 1;
      return ctx.run((s) => {
        const [vp, op, mp, sp] = s.inputs(values, offsets, stats.mean, stats.std);
        const o = ctx.output(s, Float64Array, values.length, out);
        ctx.check('zscores', raw.zscoresF64(vp!, op!, groups, mp!, sp!, o.ptr));
        return o.finish();
      });
    },
  };
}

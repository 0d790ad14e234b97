// The kept-vs-dropped report of a selection (manifest `report.selection`, `--report`).
import type { SelectBy, SelectResult } from './select.js';

/**
 * Means of the finite values of `m` at the indices `take` accepts and at the others (each summed in index order; null
 * when there are none), in one pass.
 */
function meansWhere(m: ArrayLike<number>, take: (i: number) => boolean): { yes: number | null; no: number | null } {
  let sy = 0;
  let cy = 0;
  let sn = 0;
  let cn = 0;
  for (let i = 0; i < m.length; i++) {
    const x = m[i]!;
    if (!Number.isFinite(x)) continue;
    if (take(i)) {
      sy += x;
      cy++;
    } else {
      sn += x;
      cn++;
    }
  }
  return { yes: cy ? sy / cy : null, no: cn ? sn / cn : null };
}

/** Pearson correlation over pairs where both are finite (null if fewer than 3 or no spread). */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const both = (i: number) => Number.isFinite(a[i]!) && Number.isFinite(b[i]!);
  let count = 0;
  for (let i = 0; i < a.length; i++) if (both(i)) count++;
  if (count < 3) return null;
  const mx = meansWhere(a, both).yes!;
  const my = meansWhere(b, both).yes!;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < a.length; i++) {
    if (!both(i)) continue;
    sxy += (a[i]! - mx) * (b[i]! - my);
    sxx += (a[i]! - mx) ** 2;
    syy += (b[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

export function selectionReport(by: SelectBy, r: SelectResult, margins: { external: Float64Array | null; implicit: Float64Array | null }): Record<string, unknown> {
  const split = (m: Float64Array | null) => {
    if (!m) return null;
    const rank = r.rank;
    const means = meansWhere(m.subarray(0, Math.min(r.n, m.length)), (i) => rank[i]! > 0);
    return { kept_mean: means.yes, dropped_mean: means.no };
  };
  const cal = (c: SelectResult['calibrationExternal']) =>
    c && {
      lower: c.lower,
      upper: c.upper,
      upper_searched: c.searched,
      max: c.max,
      clipped_low: c.clippedLow,
      clipped_high: c.clippedHigh,
      missing: c.missing,
      missing_policy: c.missingPolicy,
      mode: c.mode,
      denominator: Number.isFinite(c.denominator) ? c.denominator : null,
      p_min: c.pMin,
      p_max: c.pMax,
    };
  const extra: Record<string, unknown> = {};
  if (r.scaleExternal) extra.scale_external = { factor: r.scaleExternal.factor, auto: r.scaleExternal.auto, overflow: r.scaleExternal.overflow };
  if (r.nanScores) extra.nan_scores = { count: r.nanScores.count, kept: r.nanScores.kept };
  return {
    by,
    pairs: r.n,
    kept: r.k,
    dropped: r.n - r.k,
    kept_fraction: r.n ? r.k / r.n : null,
    ineligible: r.ineligible,
    external_margin: split(margins.external),
    implicit_margin: split(margins.implicit),
    calibration_external: cal(r.calibrationExternal),
    calibration_implicit: cal(r.calibrationImplicit),
    margin_correlation: margins.external && margins.implicit ? correlation(margins.external, margins.implicit) : null,
    ...extra,
    warnings: r.warnings,
  };
}

/** Human-readable lines of a selection report. */
export function selectionLines(rep: Record<string, unknown>): string[] {
  const f = (x: unknown) => (typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toPrecision(4)) : 'n/a');
  const lines = [`selection by ${rep.by}: kept ${rep.kept} of ${rep.pairs} pairs (${f(rep.kept_fraction)}), dropped ${rep.dropped}${rep.ineligible ? `, ${rep.ineligible} could not be ranked` : ''}`];
  for (const [name, key] of [['external', 'external_margin'], ['implicit', 'implicit_margin']] as const) {
    const s = rep[key] as { kept_mean: number | null; dropped_mean: number | null } | null;
    if (s) lines.push(`  ${name} margin: mean ${f(s.kept_mean)} kept vs ${f(s.dropped_mean)} dropped`);
  }
  for (const [name, key] of [['external', 'calibration_external'], ['implicit', 'calibration_implicit']] as const) {
    const c = rep[key] as { lower: number; upper: number; upper_searched: boolean; clipped_low: number; clipped_high: number; mode?: string; p_min?: number | null; p_max?: number | null } | null;
    if (!c) continue;
    const span = typeof c.p_min === 'number' && typeof c.p_max === 'number' ? `; p from ${f(c.p_min)} to ${f(c.p_max)}` : '';
    lines.push(`  ${name} calibration${c.mode === 'official' ? ' (official)' : ''}: L = ${c.lower}, U = ${c.upper}${c.upper_searched ? ' (searched)' : ''}; ${c.clipped_low} at p = 0, ${c.clipped_high} at p = 1${span}`);
  }
  const sc = rep.scale_external as { factor: number; auto: boolean } | undefined;
  if (sc) lines.push(`  external margin scaled by ${f(sc.factor)}${sc.auto ? ' (auto: IQR implicit / IQR external)' : ''} before calibration`);
  if (rep.margin_correlation !== null) lines.push(`  correlation of external and implicit margins: ${f(rep.margin_correlation)}`);
  for (const w of rep.warnings as string[]) lines.push(`  warning: ${w}`);
  return lines;
}

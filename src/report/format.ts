// Text for the report: escaping of everything that reaches HTML/SVG, and number formatting for people.
// Runtime neutral (no node:*); every string that comes from data goes through escapeText or escapeAttr.

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML/SVG element content and attribute values (both quote kinds). */
export function esc(s: unknown): string {
  // Control characters other than tab/newline are not allowed in XML 1.0; replace them rather than emit them.
  return String(s)
    .replace(/[&<>"']/g, (c) => TEXT_ESCAPES[c]!)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g, '\uFFFD');
}

/** The typographic minus sign used for negative numbers in the report. */
export const MINUS = '\u2212';

/**
 * A number for people: `digits` significant digits (default 3), no trailing zeros, U+2212 for minus,
 * exponent form only for very large or small magnitudes; NaN/Infinity spelled out.
 */
export function fmt(x: number, digits = 3): string {
  if (Number.isNaN(x)) return 'n/a';
  if (x === Infinity) return '\u221E';
  if (x === -Infinity) return `${MINUS}\u221E`;
  if (x === 0) return '0';
  const a = Math.abs(x);
  let s: string;
  if (a >= 1e6 || a < 1e-4) {
    s = x.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, 'e').replace('e+', 'e');
  } else if (a >= 10 ** digits) {
    s = String(Math.round(x));
  } else {
    s = x.toPrecision(digits);
    if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  }
  if (s === '-0') s = '0';
  return s.replace('-', MINUS);
}

/** A fixed number of decimals (for values on a common axis), with U+2212. */
export function fixed(x: number, decimals: number): string {
  if (!Number.isFinite(x)) return fmt(x);
  let s = x.toFixed(decimals);
  if (/^-0(\.0*)?$/.test(s)) s = s.slice(1);
  return s.replace('-', MINUS);
}

/** An integer with thin-space thousands separators (locale independent). */
export function int(n: number): string {
  const s = String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202F');
  return n < 0 ? `${MINUS}${s}` : s;
}

/** A share as a percentage with one decimal below 10% and none above (e.g. "7.5%", "42%"). */
export function pct(part: number, whole: number): string {
  if (whole <= 0) return 'n/a';
  const p = (100 * part) / whole;
  if (p === 0 || p === 100) return `${p}%`;
  return p < 10 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
}

// SVG building blocks for the report: elements with escaped attributes, a plot frame, axes with ticks,
// labels and units, point markers and legends. Output is well-formed XML that also parses as HTML.
import { esc } from './format.js';
import type { Axis } from './scale.js';

/**
 * Okabe-Ito colours (distinguishable with the common colour-vision deficiencies). Roles are also told apart
 * by marker shape and line dash, so nothing depends on colour alone.
 */
export const PALETTE = {
  chosen: '#0072B2',
  rejected: '#D55E00',
  min: '#CC79A7',
  other: '#8C8C8C',
  bar: '#56B4E9',
  bar2: '#E69F00',
  kept: '#009E73',
  ink: '#1A1A1A',
  grid: '#E3E3E3',
  muted: '#5C5C5C',
  sweet: '#E69F00',
} as const;

type AttrValue = string | number | undefined | null | false;

/** Rounds coordinates to 2 decimals to keep the markup small. */
export function num(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 100) / 100) : '0';
}

/** One element; attribute values and nothing else are escaped here (children are markup already). */
export function el(tag: string, attrs: Record<string, AttrValue>, children?: string): string {
  let a = '';
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    a += ` ${k}="${esc(typeof v === 'number' ? num(v) : v)}"`;
  }
  return children === undefined ? `<${tag}${a}/>` : `<${tag}${a}>${children}</${tag}>`;
}

/** A text element whose content is escaped. */
export function text(x: number, y: number, content: string, attrs: Record<string, AttrValue> = {}): string {
  return el('text', { x, y, ...attrs }, esc(content));
}

export interface Frame {
  width: number;
  height: number;
  /** Inner plot area in pixels. */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export function frame(width: number, height: number, margin: { t: number; r: number; b: number; l: number }): Frame {
  return { width, height, left: margin.l, right: width - margin.r, top: margin.t, bottom: height - margin.b };
}

/** The outer <svg> with an accessible title (shown as a tooltip too) and a description. */
export function svgDoc(f: Frame, title: string, body: string, cls = 'chart'): string {
  return el(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${num(f.width)} ${num(f.height)}`, width: f.width, height: f.height, role: 'img', class: cls, 'font-family': 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif', 'font-size': 11 },
    `${el('title', {}, esc(title))}${body}`,
  );
}

export interface AxisOptions {
  /** Axis title including the unit, e.g. "score (logit)". */
  label?: string;
  /** Tick values; default: the axis' ticks. */
  values?: number[];
  /** Tick label formatter; default: the axis' labels. */
  format?: (v: number) => string;
  /** Light grid lines across the plot area. */
  grid?: boolean;
  /** x of a y axis title (default 42 px left of the axis). */
  titleX?: number;
}

/** A bottom axis: line, ticks, tick labels and the title centred below. */
export function xAxis(f: Frame, axis: Axis, px: (v: number) => number, o: AxisOptions = {}): string {
  const label = o.format ?? axis.label;
  let values = o.values ?? axis.ticks;
  // Thin the ticks when their labels would overlap (every 2nd, 3rd, ... tick kept).
  const widest = Math.max(1, ...values.map((v) => label(v).length)) * 6.2 + 8;
  const gap = values.length > 1 ? Math.abs(px(values[1]!) - px(values[0]!)) : Infinity;
  const every = Math.max(1, Math.ceil(widest / Math.max(1, gap)));
  if (every > 1) values = values.filter((_, i) => i % every === 0);
  let s = '';
  for (const v of values) {
    const x = px(v);
    if (x < f.left - 0.5 || x > f.right + 0.5) continue;
    if (o.grid) s += el('line', { x1: x, x2: x, y1: f.top, y2: f.bottom, stroke: PALETTE.grid });
    s += el('line', { x1: x, x2: x, y1: f.bottom, y2: f.bottom + 4, stroke: PALETTE.ink });
    s += text(x, f.bottom + 15, label(v), { 'text-anchor': 'middle', fill: PALETTE.ink });
  }
  s += el('line', { x1: f.left, x2: f.right, y1: f.bottom, y2: f.bottom, stroke: PALETTE.ink });
  if (o.label) s += text((f.left + f.right) / 2, f.bottom + 31, o.label, { 'text-anchor': 'middle', fill: PALETTE.ink, class: 'axis-title' });
  return el('g', { class: 'axis x' }, s);
}

/** A left axis: line, ticks, tick labels and the title rotated along the axis. */
export function yAxis(f: Frame, axis: Axis, py: (v: number) => number, o: AxisOptions = {}): string {
  const values = o.values ?? axis.ticks;
  const label = o.format ?? axis.label;
  let s = '';
  for (const v of values) {
    const y = py(v);
    if (y < f.top - 0.5 || y > f.bottom + 0.5) continue;
    if (o.grid) s += el('line', { x1: f.left, x2: f.right, y1: y, y2: y, stroke: PALETTE.grid });
    s += el('line', { x1: f.left - 4, x2: f.left, y1: y, y2: y, stroke: PALETTE.ink });
    s += text(f.left - 7, y + 3.5, label(v), { 'text-anchor': 'end', fill: PALETTE.ink });
  }
  s += el('line', { x1: f.left, x2: f.left, y1: f.top, y2: f.bottom, stroke: PALETTE.ink });
  if (o.label) {
    const cx = o.titleX ?? f.left - 42;
    const cy = (f.top + f.bottom) / 2;
    s += text(cx, cy, o.label, { 'text-anchor': 'middle', fill: PALETTE.ink, transform: `rotate(-90 ${num(cx)} ${num(cy)})`, class: 'axis-title' });
  }
  return el('g', { class: 'axis y' }, s);
}

export type MarkerShape = 'circle' | 'square' | 'diamond' | 'cross' | 'triangle';

/** A point marker centred on (x, y); `r` is the half size. */
export function marker(shape: MarkerShape, x: number, y: number, r: number, color: string, title?: string): string {
  const t = title === undefined ? undefined : el('title', {}, esc(title));
  switch (shape) {
    case 'circle':
      return el('circle', { cx: x, cy: y, r, fill: color, stroke: '#fff', 'stroke-width': 0.6 }, t);
    case 'square':
      return el('rect', { x: x - r, y: y - r, width: 2 * r, height: 2 * r, fill: color, stroke: '#fff', 'stroke-width': 0.6 }, t);
    case 'diamond':
      return el('path', { d: `M${num(x)} ${num(y - r * 1.3)}L${num(x + r * 1.3)} ${num(y)}L${num(x)} ${num(y + r * 1.3)}L${num(x - r * 1.3)} ${num(y)}Z`, fill: color, stroke: '#fff', 'stroke-width': 0.6 }, t);
    case 'triangle':
      return el('path', { d: `M${num(x)} ${num(y - r * 1.3)}L${num(x + r * 1.2)} ${num(y + r)}L${num(x - r * 1.2)} ${num(y + r)}Z`, fill: color, stroke: '#fff', 'stroke-width': 0.6 }, t);
    case 'cross':
      return el('path', { d: `M${num(x - r)} ${num(y - r)}L${num(x + r)} ${num(y + r)}M${num(x - r)} ${num(y + r)}L${num(x + r)} ${num(y - r)}`, stroke: color, 'stroke-width': 2, fill: 'none' }, t);
  }
}

export interface LegendItem {
  label: string;
  color: string;
  /** A marker shape, a filled swatch ('box'), or a line with an optional dash pattern. */
  kind: MarkerShape | 'box' | 'line';
  dash?: string;
}

/** A one-row legend starting at (x, y); items are laid out by an estimate of their text width. */
export function legend(x: number, y: number, items: LegendItem[]): string {
  let s = '';
  let cx = x;
  for (const it of items) {
    if (it.kind === 'box') s += el('rect', { x: cx, y: y - 8, width: 12, height: 10, fill: it.color, 'fill-opacity': 0.85 });
    else if (it.kind === 'line') s += el('line', { x1: cx, x2: cx + 14, y1: y - 3, y2: y - 3, stroke: it.color, 'stroke-width': 2, 'stroke-dasharray': it.dash });
    else s += marker(it.kind, cx + 6, y - 3, 4.5, it.color);
    s += text(cx + 18, y + 1, it.label, { fill: PALETTE.ink });
    cx += 26 + it.label.length * 6;
  }
  return el('g', { class: 'legend' }, s);
}

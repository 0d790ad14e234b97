// Reward positions of the sweet-spot construction (spec selection.md 1.3): min, max and mu + k*sigma.

/** A position: the extreme candidates, or the candidate nearest the target mu + k*sigma. */
export type Position = { kind: 'min' } | { kind: 'max' } | { kind: 'sigma'; k: number };

/** The 7 positions of the grid, lowest first (21 = C(7,2) pairs). */
export const GRID_POSITIONS: readonly Position[] = [
  { kind: 'min' },
  { kind: 'sigma', k: -2 },
  { kind: 'sigma', k: -1 },
  { kind: 'sigma', k: 0 },
  { kind: 'sigma', k: 1 },
  { kind: 'sigma', k: 2 },
  { kind: 'max' },
];

const SIGMA_RE = /^mu(?:\s*([+-])\s*(\d+(?:\.\d+)?|\.\d+)?\s*\*?\s*(?:sigma|s))?$/i;

/**
 * Parses `min`, `max`, `mu`, `mu-2sigma`, `mu+1.5*sigma`, `mu-s` (k = 1), `mu+2s`. Throws a RangeError naming
 * the text when it is none of these.
 */
export function parsePosition(text: string): Position {
  const t = text.trim();
  if (/^min$/i.test(t)) return { kind: 'min' };
  if (/^max$/i.test(t)) return { kind: 'max' };
  const m = SIGMA_RE.exec(t);
  if (!m) throw new RangeError(`pairsmith: position '${text}' is not min, max, mu or mu+k*sigma (e.g. mu-2sigma)`);
  if (m[1] === undefined) return { kind: 'sigma', k: 0 };
  const mag = m[2] === undefined ? 1 : Number(m[2]);
  return { kind: 'sigma', k: m[1] === '-' ? -mag : mag };
}

/** The canonical label: min, max, mu, mu-2sigma, mu+1.5sigma, mu-sigma. */
export function positionLabel(p: Position): string {
  if (p.kind !== 'sigma') return p.kind;
  if (p.k === 0) return 'mu';
  const a = Math.abs(p.k);
  return `mu${p.k < 0 ? '-' : '+'}${a === 1 ? '' : String(a)}sigma`;
}

/** Order of positions on the reward axis (min lowest, max highest). */
export function positionRank(p: Position): number {
  return p.kind === 'min' ? -Infinity : p.kind === 'max' ? Infinity : p.k;
}

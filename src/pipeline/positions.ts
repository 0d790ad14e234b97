// The grid of the sweet-spot paper (spec selection.md 1.3): 7 reward positions, 21 pairs. Parsing and labels of
// positions live with the pickPositions kernel (src/kernels/positions.ts).
import type { Position } from '../kernels/positions.js';

export type { Position };
export { parsePosition, formatPosition as positionLabel } from '../kernels/positions.js';

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

/** Order of positions on the reward axis (min lowest, max highest). */
export function positionRank(p: Position): number {
  return p.kind === 'min' ? -Infinity : p.kind === 'max' ? Infinity : p.k;
}

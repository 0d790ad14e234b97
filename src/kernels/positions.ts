// Reward positions for pair construction (spec selection.md 1.3): max, min and mu + k*sigma for any real k.
// Pure TS (no engine): the pairs command parses `--rejected mu-2sigma` with parsePosition.

/** A parsed position: the extreme samples, or the target mu + k * sigma. */
export type Position = { kind: 'max' } | { kind: 'min' } | { kind: 'sigma'; k: number };

/** What pickPositions accepts for one position: a string such as 'mu-2sigma', `{ k }`, or a parsed Position. */
export type PositionInput = string | { k: number } | Position;

const NUM = String.raw`(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?`;
// The Greek sigma as the RegExp escape \u03c3: the bundles stay ASCII, which V8 reads as one-byte source (half the
// memory, and faster to decode and scan than two-byte source).
const SIGMA_RE = new RegExp(String.raw`^mu(?:([+-])(${NUM})?\*?(?:sigma|\u03c3|s))?$`, 'i');

/**
 * Parses a position: `max`, `min`, `mu`, `mu+sigma`, `mu-2sigma`, `mu+1.5sigma`, `mu-2*sigma`, `mu+0.5σ`
 * (spaces ignored, case-insensitive), or an object `{ k }` (= mu + k*sigma) or an already parsed Position.
 * Throws a RangeError naming the input when it is none of these.
 */
export function parsePosition(s: PositionInput): Position {
  if (typeof s === 'string') {
    const t = s.replace(/\s+/g, '').toLowerCase();
    if (t === 'max') return { kind: 'max' };
    if (t === 'min') return { kind: 'min' };
    const m = SIGMA_RE.exec(t);
    if (m) {
      if (m[1] === undefined) return { kind: 'sigma', k: 0 };
      const mag = m[2] === undefined ? 1 : Number(m[2]);
      const k = m[1] === '-' ? -mag : mag;
      if (Number.isFinite(k)) return { kind: 'sigma', k };
    }
    throw new RangeError(`pairsmith: position '${s}' is not max, min or mu+k*sigma (e.g. mu-2sigma, mu+1.5sigma, mu)`);
  }
  if (s !== null && typeof s === 'object') {
    const o = s as { kind?: unknown; k?: unknown };
    if (o.kind === 'max' || o.kind === 'min') return { kind: o.kind };
    if ((o.kind === undefined || o.kind === 'sigma') && typeof o.k === 'number' && Number.isFinite(o.k)) {
      return { kind: 'sigma', k: o.k };
    }
    throw new RangeError(`pairsmith: position object must be { k: finite number }, got ${JSON.stringify(s)}`);
  }
  throw new TypeError(`pairsmith: a position must be a string or { k: number }, got ${typeof s}`);
}

/** The canonical label of a position: 'max', 'min', 'mu', 'mu+sigma', 'mu-2sigma', 'mu+1.5sigma'. */
export function formatPosition(p: PositionInput): string {
  const q = parsePosition(p);
  if (q.kind !== 'sigma') return q.kind;
  if (q.k === 0) return 'mu';
  const mag = Math.abs(q.k);
  return `mu${q.k < 0 ? '-' : '+'}${mag === 1 ? '' : String(mag)}sigma`;
}

// Dot-path field access for field overrides (`--scores-field a.b.0.c`). Own properties only, so a path can
// never reach Object.prototype (`constructor`, `__proto__`, `toString` read as missing unless the record has them).

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Splits a dot path into segments; throws RangeError naming the option on an empty segment. */
export function splitPath(path: string, option = 'field'): string[] {
  const parts = path.split('.');
  if (parts.some((p) => p === '')) throw new RangeError(`${option}: bad dot path '${path}'`);
  return parts;
}

/** The value at `path` (segments; array indices as decimal segments), or undefined when any step is missing. */
export function getPath(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(seg)) return undefined;
      cur = cur[Number(seg)];
    } else {
      if (!hasOwn(cur, seg)) return undefined;
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return cur;
}

/** Whether `path` exists (the value may be null). */
export function hasPath(obj: unknown, path: readonly string[]): boolean {
  if (path.length === 0) return true;
  const parent = getPath(obj, path.slice(0, -1));
  if (parent === null || typeof parent !== 'object') return false;
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) return /^\d+$/.test(last) && Number(last) < parent.length;
  return hasOwn(parent, last);
}

/** Own-property read of one key (undefined when absent). */
export function own(obj: Record<string, unknown>, key: string): unknown {
  return hasOwn(obj, key) ? obj[key] : undefined;
}

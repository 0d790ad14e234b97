// Atomic text output (Node): the text goes to a temp file next to the final name and is renamed into place,
// so a crash never leaves a half-written file under the final name. `-` writes to the given stdout.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** Writes `text` to `path` (relative to `cwd`) atomically; `-` goes to `stdout`. Returns the absolute path (or `-`). */
export async function writeTextAtomic(path: string, text: string, o: { cwd?: string; stdout?: (s: string) => void } = {}): Promise<string> {
  if (path === '-') {
    if (!o.stdout) throw new Error('pairsmith: no stdout to write - to');
    o.stdout(text);
    return '-';
  }
  const full = resolve(o.cwd ?? process.cwd(), path);
  await mkdir(dirname(full), { recursive: true });
  const tmp = `${full}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, full);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return full;
}

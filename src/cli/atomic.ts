// Atomic output files: write a temp file next to the target, then rename it over the target, so readers never
// see a half-written file. TODO(#4): move to the shared datasets/io layer when it lands.
import { randomBytes } from 'node:crypto';
import { rm, writeFile, rename } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** Writes `text` to `path` (relative to `cwd`) via a temp file + rename. */
export async function writeFileAtomic(path: string, text: string, cwd = process.cwd()): Promise<void> {
  const target = resolve(cwd, path);
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text);
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

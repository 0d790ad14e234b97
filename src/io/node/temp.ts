// Temp files of a run (outputs before their rename, the stdin spool): registered while they exist, so a signal
// handler can remove them before the process exits, and named after the final path and the process id, so a later
// run to the same output finds and removes what a killed run (SIGKILL, power loss) left behind.
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const live = new Set<string>();

export function registerTemp(path: string): void {
  live.add(path);
}

export function unregisterTemp(path: string): void {
  live.delete(path);
}

/** Removes every registered temp file (synchronously: safe in a signal handler). Returns how many. */
export function removeAllTemps(): number {
  let n = 0;
  for (const p of live) {
    try {
      rmSync(p, { force: true });
      n++;
    } catch {
      // Best effort: the process is exiting.
    }
  }
  live.clear();
  return n;
}

const MARK = '.pairsmith-tmp-';

/** The temp name of an output: `<target>.pairsmith-tmp-<pid>-<random>`, next to it (same file system: rename is atomic). */
export function tempPathFor(target: string): string {
  return `${target}${MARK}${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temp files left next to `target` by runs that no longer exist; returns their paths. */
export function removeStaleTemps(target: string): string[] {
  const dir = dirname(target);
  const prefix = `${basename(target)}${MARK}`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isInteger(pid) || alive(pid)) continue;
    const p = join(dir, name);
    try {
      rmSync(p, { force: true });
      removed.push(p);
    } catch {
      // Not ours to remove (permissions): leave it.
    }
  }
  return removed;
}

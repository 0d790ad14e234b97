// Live memory for streaming tests: a real gc() (without --expose-gc on the command line) before each sample,
// so samples measure what is retained, not garbage.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes of live JS heap plus ArrayBuffers after a full collection. */
export function liveBytes(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

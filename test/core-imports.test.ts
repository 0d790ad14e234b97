// The library core must run in browsers and edge runtimes: only the CLI/IO layer, src/node.ts and the worker-thread modules (src/threads.ts, src/thread-worker.ts) may import node:*.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const NODE_ONLY = [/^src\/cli\//, /^src\/(node|threads|thread-worker)\.ts$/, /^src\/io\/node\//];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('core imports', () => {
  it('no core file imports node:* or a Node built-in', () => {
    const offenders: string[] = [];
    for (const f of files('src')) {
      if (NODE_ONLY.some((r) => r.test(f))) continue;
      const src = readFileSync(f, 'utf8');
      for (const m of src.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1]!;
        if (spec.startsWith('node:') || ['fs', 'path', 'zlib', 'stream', 'os', 'url', 'child_process'].includes(spec)) {
          offenders.push(`${f}: ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('kernels in assembly/kernels never allocate', () => {
    const offenders: string[] = [];
    for (const f of files('assembly/kernels')) {
      const src = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      for (const pat of [/\bnew\s+\w/, /\bArray</, /\bstring\b/, /\b(Float32|Float64|Int32|Uint8)Array\b/]) {
        if (pat.test(src)) offenders.push(`${f}: ${pat}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

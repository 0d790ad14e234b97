// The bundles Node loads at every start are ASCII: V8 then keeps their source as one-byte strings (a single
// non-ASCII character, e.g. a Greek sigma inside String.raw, which esbuild cannot escape, makes the whole file
// two-byte: twice the memory, slower to decode and scan).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const BUNDLES = ['dist/cli/pairsmith.js', 'dist/cli/pairsmith.cjs', 'dist/thread-worker.js', 'dist/cjs/pairsmith.cjs'];

describe('bundles', () => {
  for (const file of BUNDLES) {
    it(`${file} is ASCII`, () => {
      const bytes = readFileSync(file);
      const at = bytes.findIndex((b) => b > 0x7f);
      const line = at < 0 ? '' : bytes.subarray(bytes.lastIndexOf(0x0a, at) + 1, bytes.indexOf(0x0a, at)).toString('utf8').slice(0, 200);
      expect(at < 0 ? '' : `non-ASCII at byte ${at}: ${line}`).toBe('');
    });
  }
});

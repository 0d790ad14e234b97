// The direction of imports (STYLE.md Decision 7): cli -> pipeline -> kernels -> {wasm, reference}; io beside the
// pipeline, reading and writing bytes, never importing it; report takes data, not files. Every import counts, type
// imports included. The rules are checked on the sources, and on a small made-up tree that breaks each rule once,
// so the check itself is shown to fail when an import runs the wrong way.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

/** A forbidden edge: files matching `from` may not import files matching `to`. */
const RULES: { from: RegExp; to: RegExp; why: string }[] = [
  { from: /^src\/io\//, to: /^src\/(pipeline|cli|report)\//, why: 'io reads and writes bytes; it never imports the pipeline, the CLI or the report' },
  { from: /^src\/reference\//, to: /^src\/wasm\//, why: 'the JS twins do not depend on the WASM binding' },
  { from: /^src\/pipeline\//, to: /^src\/(wasm|cli)\//, why: 'the pipeline runs on the kernels, not on WASM directly, and never on the CLI' },
  { from: /^src\/kernels\//, to: /^src\/(pipeline|io|cli|report)\//, why: 'kernels are below the pipeline and io' },
  { from: /^src\/report\//, to: /^src\/(io\/node|cli|pipeline)\//, why: 'the report takes data, not files' },
  { from: /^src\/(?!cli\/)/, to: /^src\/cli\//, why: 'nothing imports the CLI' },
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of each file, resolved to repository paths (.js -> .ts). */
function edges(tree: Map<string, string>): [string, string][] {
  const out: [string, string][] = [];
  for (const [file, src] of tree) {
    for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
      const spec = (m[1] ?? m[2])!;
      out.push([file, normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts')]);
    }
  }
  return out;
}

function violations(tree: Map<string, string>): string[] {
  const v: string[] = [];
  for (const [from, to] of edges(tree)) {
    for (const r of RULES) if (r.from.test(from) && r.to.test(to)) v.push(`${from} -> ${to}: ${r.why}`);
  }
  return v;
}

describe('direction of imports', () => {
  it('no source file imports against the direction', () => {
    const tree = new Map(files('src').map((f) => [f.replace(/\\/g, '/'), readFileSync(f, 'utf8')]));
    expect(violations(tree)).toEqual([]);
  });

  it('each rule catches an import that breaks it (a made-up tree)', () => {
    const broken = new Map([
      ['src/io/x.ts', "import { a } from '../pipeline/y.js';"],
      ['src/reference/x.ts', "import type { R } from '../wasm/resident.js';"],
      ['src/pipeline/x.ts', "export { b } from '../wasm/arena.js';"],
      ['src/kernels/x.ts', "const m = await import('../io/z.js');"],
      ['src/report/x.ts', "import { c } from '../io/node/output.js';"],
      ['src/engine.ts', "import { d } from './cli/main.js';"],
    ]);
    const v = violations(broken);
    expect(v).toHaveLength(6);
    for (const f of broken.keys()) expect(v.some((x) => x.startsWith(`${f} ->`)), f).toBe(true);
    // Imports along the direction pass.
    expect(violations(new Map([['src/cli/x.ts', "import { p } from '../pipeline/run-pairs.js';\nimport { io } from '../io/adapt.js';"]]))).toEqual([]);
  });
});

// The packed package from both module systems: ES import and CommonJS require give the same library (CommonJS
// without require(esm), i.e. as on Node 20.0-20.18), and TypeScript projects of each kind typecheck against it.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { consumer } from './packed.js';

// Node >= 20.19 can require() ES modules; this flag turns that off, so the CommonJS build must stand on its own.
const NO_REQUIRE_ESM = process.allowedNodeEnvironmentFlags.has('--no-experimental-require-module') ? ['--no-experimental-require-module'] : [];

// The same program in both module systems: an engine, a kernel, and a Parquet round trip (the Parquet libraries
// are ES-only packages, loaded lazily).
const body = (p: string, n: string) => `
  const engine = await ${p}.createEngine();
  const file = 'rows.parquet';
  const out = await ${p}.openFileOutput(file);
  await out.sink.columns([{ name: 'x', type: 'double' }]);
  await out.sink.writeRows([{ x: 1.5 }, { x: -2 }]);
  await out.commit();
  let text = '';
  const dec = new TextDecoder();
  for await (const c of ${p}.fileInput(file).open()) text += dec.decode(c);
  const items = text.split('\\n').filter(Boolean).map((l) => JSON.parse(l));
  console.log(JSON.stringify({
    same: ${p} === ${n} || ${p}.fileInput === ${n}.fileInput,
    backend: engine.backend,
    sum: engine.sum(Float32Array.from([0.5, 0.25, NaN])),
    names: Object.keys(${p}).sort(),
    items,
  }));
`;

const ESM = `import * as p from 'pairsmith';\nimport * as n from 'pairsmith/node';\n${body('p', 'n')}`;
const CJS = `const p = require('pairsmith');\nconst n = require('pairsmith/node');\n(async () => {${body('p', 'n')}})();`;

function run(dir: string, file: string, flags: string[] = []): Record<string, any> {
  return JSON.parse(execFileSync(process.execPath, [...flags, file], { cwd: dir, encoding: 'utf8' }));
}

describe('module systems (packed package)', () => {
  let esm: Record<string, any>;

  beforeAll(() => {
    esm = run(consumer('esm', { 'app.mjs': ESM }), 'app.mjs');
  });

  it('ES import: wasm-simd, the Node entry, a Parquet round trip', () => {
    expect(esm.same).toBe(true);
    expect(esm.backend).toBe('wasm-simd');
    expect(esm.sum).toEqual({ sum: 0.75, nonFinite: 1 });
    expect(esm.items).toEqual([{ x: 1.5 }, { x: -2 }]);
    expect(esm.names).toContain('fileInput');
  });

  it('CommonJS require without require(esm): the same names and results', () => {
    const dir = consumer('cjs', { 'app.cjs': CJS }, 'commonjs');
    const cjs = run(dir, 'app.cjs', NO_REQUIRE_ESM);
    expect(cjs).toEqual(esm);
  });
});

// ---- TypeScript consumers ----

const TS_NODE = `
import { createEngine, KernelError, type Engine } from 'pairsmith';
import { fileInput, binaryPath } from 'pairsmith/node';
export async function main(): Promise<string> {
  const engine: Engine = await createEngine({ warn: false });
  const r: number = engine.sum(Float32Array.from([1, 2])).sum;
  const path: string = binaryPath('simd');
  return [engine.backend, r, typeof KernelError, typeof fileInput, path.endsWith('simd.wasm')].join(' ');
}
`;

const TS_BUNDLER = `
import { createEngine as fromFiles, type Engine } from 'pairsmith';
import { createEngine, embeddedBinary } from 'pairsmith/embedded';
import simd from 'pairsmith/wasm/simd.wasm';
const module: WebAssembly.Module = simd;
const bytes = embeddedBinary('scalar');
export const engines: Promise<Engine>[] = [createEngine(), fromFiles({ module }), createEngine({ bytes })];
`;

interface Case {
  name: string;
  type: 'module' | 'commonjs';
  options: ts.CompilerOptions;
  source: string;
  /** Also emit and run the output with Node (CommonJS without require(esm)). */
  run?: boolean;
}

const node = { target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: false, types: ['node'], outDir: 'out' };
const CASES: Case[] = [
  { name: 'cjs-node16', type: 'commonjs', options: { ...node, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 }, source: TS_NODE, run: true },
  { name: 'cjs-nodenext', type: 'commonjs', options: { ...node, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext }, source: TS_NODE },
  { name: 'cjs-node10', type: 'commonjs', options: { ...node, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, esModuleInterop: true }, source: TS_NODE, run: true },
  { name: 'esm-nodenext', type: 'module', options: { ...node, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext }, source: TS_NODE },
  {
    name: 'esm-bundler',
    type: 'module',
    options: { target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: false, types: [], lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, noEmit: true },
    source: TS_BUNDLER,
  },
];

// Parsed files (lib, @types/node, ...) are shared between the programs: parsing them once saves most of the time.
const parsed = new Map<string, ts.SourceFile | undefined>();
function cachingHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const key = `${fileName}|${JSON.stringify(languageVersion)}`;
    if (!parsed.has(key)) parsed.set(key, getSourceFile(fileName, languageVersion, ...rest));
    return parsed.get(key);
  };
  return host;
}

describe('TypeScript consumers (packed package)', () => {
  it.each(CASES)('$name typechecks with skipLibCheck off', (c) => {
    const dir = consumer(`ts-${c.name}`, { 'main.ts': c.source }, c.type);
    const options = { ...c.options, outDir: join(dir, 'out') };
    const program = ts.createProgram([join(dir, 'main.ts')], options, cachingHost(options));
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
    if (!c.run) return;
    expect(program.emit().emitSkipped).toBe(false);
    const out = execFileSync(process.execPath, [...NO_REQUIRE_ESM, '-e', "require('./out/main.js').main().then((s) => console.log(s))"], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('wasm-simd 3 function function true');
  }, 60_000);
});

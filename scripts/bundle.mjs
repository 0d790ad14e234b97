// Bundles made from the tsc output in dist/ (run by `npm run build` after build:ts):
//   dist/cjs/pairsmith.cjs   CommonJS build of the Node entry, for require('pairsmith') and require('pairsmith/node')
//                            on every Node 20 (require() of ES modules only works from 20.19). The ESM-only Parquet
//                            libraries are bundled into it; @assemblyscript/loader ships its own CommonJS build.
//   dist/thread-worker.js    the worker-thread script in one ES module (replaces tsc's output of the same name).
//   dist/cli/pairsmith.cjs   the CLI in one CommonJS file: Node loads one file instead of ~150. The Parquet
//                            libraries are bundled in and evaluated only when Parquet is read or written.
//   dist/cli/pairsmith.js    the package's bin (src/cli/launch.ts): runs pairsmith.cjs with V8's code cache of it,
//   dist/cli/pairsmith.cjs.cache  made here by one curate run on the bundled sample (src/cli/code-cache.ts).
// Every bundled dist/ module keeps its own location: its `import.meta.url` is rewritten to the URL the module has
// in dist/, so relative URLs such as ../build/simd.wasm and ../../../examples/ resolve as they do unbundled.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist', import.meta.url));

/** Rewrites import.meta.url in dist/ modules to `base`-relative URLs that name the module's own dist/ path. */
function ownLocation(outfile, base) {
  return {
    name: 'own-location',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, async (args) => {
        if (!args.path.startsWith(dist + sep)) return undefined;
        const text = await readFile(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const rel = relative(dirname(outfile), args.path).split(sep).join('/');
        const self = `new URL(${JSON.stringify(rel.startsWith('.') ? rel : `./${rel}`)}, ${base}).href`;
        return { contents: text.replaceAll('import.meta.url', self), loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

// Outputs of an earlier run go first (chunk names change with their contents).
await rm(resolve(dist, 'cjs'), { recursive: true, force: true });
for (const f of await readdir(resolve(dist, 'cli'))) {
  if (/^pairsmith(-\w+)?\.(js|cjs|cjs\.cache)$/.test(f)) await rm(resolve(dist, 'cli', f));
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // No source maps: the bundles are plain, unminified JS with a `// dist/<file>.js` line before each module.
  legalComments: 'none',
  logLevel: 'warning',
};

/** One CommonJS bundle of a dist/ entry: its modules' import.meta.url made from the bundle's own __filename. */
async function cjsBundle(entry, outfile, extra = {}) {
  await build({
    ...common,
    entryPoints: [resolve(dist, entry)],
    outfile,
    format: 'cjs',
    banner: { js: "'use strict';\nconst __pairsmithUrl = require('node:url').pathToFileURL(__filename).href;" },
    plugins: [ownLocation(outfile, '__pairsmithUrl')],
    ...extra,
  });
}

await cjsBundle('node.js', resolve(dist, 'cjs/pairsmith.cjs'), { external: ['@assemblyscript/loader'] });

// The CLI: its code in one CommonJS file (dist/cli/pairsmith.cjs; the Parquet libraries bundled in, evaluated only
// when Parquet is read or written), run by a small ES module (dist/cli/pairsmith.js, the bin, from src/cli/launch.ts)
// through V8's code cache of the bundle (src/cli/code-cache.ts), made below.
const cliOut = resolve(dist, 'cli/pairsmith.cjs');
await cjsBundle('cli/bin.js', cliOut);
const binOut = resolve(dist, 'cli/pairsmith.js');
await build({
  ...common,
  entryPoints: [resolve(dist, 'cli/launch.js')],
  outfile: binOut,
  format: 'esm',
  plugins: [ownLocation(binOut, 'import.meta.url')],
});

// The worker thread script (src/thread-worker.ts) in one file, in place of tsc's: each worker of a --threads run
// loads one module instead of ~100.
const workerOut = resolve(dist, 'thread-worker.js');
await build({
  ...common,
  entryPoints: [workerOut],
  outfile: workerOut,
  allowOverwrite: true,
  format: 'esm',
  external: ['hyparquet', 'hyparquet-compressors', 'hyparquet-writer'],
  banner: { js: "import { createRequire as __pairsmithRequire } from 'node:module';\nconst require = __pairsmithRequire(import.meta.url);" },
  plugins: [ownLocation(workerOut, 'import.meta.url')],
});

// Types for require(): the declarations of the Node entry's import graph, copied under dist/cjs/, whose
// package.json says "type": "commonjs", so TypeScript reads them as CommonJS (a .d.cts re-exporting the ES
// declarations is error TS1479 in a CommonJS project).
const cjsDir = resolve(dist, 'cjs');
await writeFile(resolve(cjsDir, 'package.json'), '{ "type": "commonjs" }\n');
const pending = ['node.d.ts'];
const copied = new Set();
while (pending.length > 0) {
  const file = pending.pop();
  if (copied.has(file)) continue;
  copied.add(file);
  // A type import from an ES-only package needs `resolution-mode` when read from a CommonJS file (TS1541).
  const text = (await readFile(resolve(dist, file), 'utf8')).replace(
    /^(import type [^;]*? from '(?!node:|\.)[^']+')(;)$/gm,
    "$1 with { 'resolution-mode': 'import' }$2",
  );
  await mkdir(dirname(resolve(cjsDir, file)), { recursive: true });
  await writeFile(resolve(cjsDir, file), text);
  for (const m of text.matchAll(/(?:from\s*|import\(\s*)['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
    pending.push(relative(dist, resolve(dist, dirname(file), `${m[1]}.d.ts`)).split(sep).join('/'));
  }
}

// The CLI's code cache: the bytecode one run compiles (a curate of the bundled sample: reading, pairs, selection,
// rows), written at its exit. Optional: when the run fails, the bin compiles the bundle at each start as before.
const scratch = mkdtempSync(resolve(tmpdir(), 'pairsmith-cache-'));
try {
  const run = spawnSync(process.execPath, [binOut, 'curate', '-o', resolve(scratch, 'curated.jsonl'), '--quiet'], {
    env: { ...process.env, PAIRSMITH_CODE_CACHE_OUT: `${cliOut}.cache` },
    encoding: 'utf8',
  });
  if (run.status !== 0) console.warn(`bundle: no code cache for the CLI (its run exited with ${run.status}): ${run.stderr}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

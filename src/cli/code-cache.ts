// Runs the CLI bundle (dist/cli/pairsmith.cjs, CommonJS) with V8's code cache for it: the bytecode of the functions
// a run compiled, made once at build time by a run on the bundled sample (scripts/bundle.mjs) and saved beside the
// bundle. A start then reads the functions' bytecode instead of parsing and compiling them (about 25 ms of every
// start). V8 accepts the cache only from the same V8 version and flags and for the same source; otherwise, or
// without a cache, the bundle compiles as usual. Node-only (node:vm).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, Script } from 'node:vm';
import { keepYoungGenerationSmall } from '../io/node/heap.js';

/** Where the build asks for the cache to be written when the run ends (the training run; nothing else sets it). */
export const CODE_CACHE_OUT = 'PAIRSMITH_CODE_CACHE_OUT';

/** The cache file of a bundle. */
export function cacheFileOf(bundle: string): string {
  return `${bundle}.cache`;
}

/** The file the build's run writes the cache to (undefined otherwise, and where reading the environment is denied). */
function trainingOut(): string | undefined {
  try {
    return process.env[CODE_CACHE_OUT] || undefined;
  } catch {
    return undefined;
  }
}

export interface BundleRun {
  /** Whether a cache was there and V8 took it. */
  cache: 'used' | 'rejected' | 'none';
}

/**
 * Compiles and runs the CommonJS bundle at `url` as Node would require() it, with its code cache when there is one
 * (and, when the environment names a file in CODE_CACHE_OUT, writes the cache of this run there at exit).
 */
export function runBundle(url: URL): BundleRun {
  const file = fileURLToPath(url);
  const require = createRequire(url);
  // V8 checks its flags against the cache's: the flag the CLI sets is set before the compile, as in the build's run.
  keepYoungGenerationSmall();
  const loader = (constants as unknown as { USE_MAIN_CONTEXT_DEFAULT_LOADER?: symbol } | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  const out = trainingOut();
  if (loader === undefined) {
    // Node before 20.12: a script cannot import() (the bundle's Parquet libraries) without it; no cache.
    require(file);
    return { cache: 'none' };
  }
  let cachedData: Buffer | undefined;
  if (!out) {
    try {
      cachedData = readFileSync(cacheFileOf(file));
    } catch {
      cachedData = undefined;
    }
  }
  // The bundle is ASCII (test/package/ascii-bundles.test.ts): latin1 reads it as the one-byte string V8 keeps.
  const source = readFileSync(file, 'latin1').replace(/^#!.*/, '');
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, {
    filename: file,
    cachedData,
    importModuleDynamically: loader as never,
  });
  const cache = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  if (out) process.once('exit', () => writeFileSync(out, script.createCachedData()));
  const module = { exports: {}, filename: file, id: file, loaded: false };
  (script.runInThisContext() as (...a: unknown[]) => void).call(module.exports, module.exports, require, module, file, dirname(file));
  return { cache };
}

// Builds (npm run build) when an output is missing or older than its sources; otherwise does nothing.
// `npm start` runs it first (prestart), so `npm ci && npm start` works on a fresh clone: the build is no
// longer an install script (it runs in prepack), because npm warns consumers about install scripts.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUTS = [
  'build/simd.wasm',
  'build/scalar.wasm',
  'build/embedded-wasm.js',
  'dist/index.js',
  'dist/cli/bin.js',
  'dist/cli/pairsmith.js',
  'dist/cli/pairsmith.cjs',
  'dist/cjs/pairsmith.cjs',
];
const INPUTS = ['src', 'assembly', 'scripts/embed-wasm.mjs', 'scripts/bundle.mjs', 'asconfig.json', 'tsconfig.json', 'tsconfig.build.json'];

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((f) => newest(join(path, f))));
}

const missing = OUTPUTS.filter((f) => !existsSync(join(root, f)));
const source = Math.max(...INPUTS.map((f) => join(root, f)).filter(existsSync).map(newest));
const stale = missing.length === 0 && OUTPUTS.some((f) => statSync(join(root, f)).mtimeMs < source);
if (missing.length > 0 || stale) {
  process.stderr.write(`pairsmith: building (${missing.length > 0 ? `missing ${missing.join(', ')}` : 'sources changed'})\n`);
  execSync('npm run build', { cwd: root, stdio: 'inherit' });
}

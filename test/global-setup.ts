// Builds the WASM and the TS output once before the suite when they are missing (a fresh clone after npm ci has them).
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const OUTPUTS = ['build/simd.wasm', 'build/scalar.wasm', 'build/embedded-wasm.js', 'dist/cli/bin.js', 'dist/cli/pairsmith.js', 'dist/cli/pairsmith.cjs', 'dist/cjs/pairsmith.cjs'];

export default function setup(): void {
  if (OUTPUTS.some((f) => !existsSync(f))) {
    execSync('npm run build', { stdio: 'inherit' });
  }
}

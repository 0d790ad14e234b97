// Builds the WASM and the TS output once before the suite when they are missing (a fresh clone after npm ci has them).
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export default function setup(): void {
  if (!existsSync('build/simd.wasm') || !existsSync('build/scalar.wasm') || !existsSync('dist/cli/bin.js')) {
    execSync('npm run build', { stdio: 'inherit' });
  }
}

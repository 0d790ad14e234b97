// Library example: create an engine (wasm-simd where available) and sum a column.
// Run after `npm ci`: node examples/library-sum.mjs
import { createEngine } from '../dist/node.js';

const engine = await createEngine();
const x = Float32Array.from({ length: 1001 }, (_, i) => Math.sin(i));
const { sum, nonFinite } = engine.sum(x);
console.log(`backend=${engine.backend} sum=${sum.toFixed(6)} nonFinite=${nonFinite}`);

// Types of `pairsmith/wasm/simd.wasm` and `pairsmith/wasm/scalar.wasm` as hosts that import a .wasm file as a
// compiled module see them (Cloudflare Workers with wrangler, workerd): pass it as createEngine({ module }).
// Bundlers that turn the import into a URL (Vite's `?url`) or bytes type such imports themselves.
declare const module: WebAssembly.Module;
export default module;

/// <reference types="vite/client" />

declare module 'virtual:curate-cli' {
  import type { CliOption } from '../cli-options.js';
  const options: CliOption[];
  export default options;
}

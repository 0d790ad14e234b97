// Types shared by every kernel family's API.
import type { Column, ResidentBuffer } from '../wasm/resident.js';

export type FloatArray = Float32Array | Float64Array;
export type { Column, ResidentBuffer };

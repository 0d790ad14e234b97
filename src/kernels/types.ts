// Types shared by every kernel family's API.
import type { TypedArray, TypedArrayCtor } from '../wasm/arena.js';
import type { Column, ResidentBuffer } from '../wasm/resident.js';

export type FloatArray = Float32Array | Float64Array;
export type { Column, ResidentBuffer, TypedArray, TypedArrayCtor };

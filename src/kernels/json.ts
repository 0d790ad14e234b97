// The JSON record indexer: API types, argument checks and the WASM binding. One call validates a batch of records
// (full grammar, escapes, control characters, UTF-8, depth) and indexes each without decoding it: its top-level
// members and the elements of its top-level arrays, with their kinds and, for numbers, their values. The ABI is
// defined once in src/abi/json.ts.
import {
  JSON_P_BUF,
  JSON_P_COUNT,
  JSON_P_DONE,
  JSON_P_ELEM_CAP,
  JSON_P_ELEM_E,
  JSON_P_ELEM_KIND,
  JSON_P_ELEM_NUM,
  JSON_P_ELEM_OFF,
  JSON_P_ELEM_S,
  JSON_P_ERR_AT,
  JSON_P_ERR_CODE,
  JSON_P_FLAGS,
  JSON_P_KEY_E,
  JSON_P_KEY_S,
  JSON_P_MAX_DEPTH,
  JSON_P_MEMBER_CAP,
  JSON_P_MEMBER_OFF,
  JSON_P_REC_END,
  JSON_P_REC_START,
  JSON_P_SLOTS,
  JSON_P_STATUS,
  JSON_P_VAL_E,
  JSON_P_VAL_KIND,
  JSON_P_VAL_NUM,
  JSON_P_VAL_S,
  JSON_DEPTH_LIMIT,
} from '../abi/json.js';
import type { WasmContext } from '../wasm/context.js';
import type { ResidentBuffer } from '../wasm/resident.js';
import { check } from '../wasm/abi.js';

/** Default nesting limit of a record (the top-level object is depth 1). */
export const DEFAULT_MAX_DEPTH = 512;

function growI32(a: Int32Array, n: number): Int32Array {
  if (n <= a.length) return a;
  const b = new Int32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}
function growU8(a: Uint8Array, n: number): Uint8Array {
  if (n <= a.length) return a;
  const b = new Uint8Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}
function growF64(a: Float64Array, n: number): Float64Array {
  if (n <= a.length) return a;
  const b = new Float64Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

/**
 * The index of one batch of records, filled by indexRecords. Plain JS arrays owned by the index and reused from
 * batch to batch (they grow, never shrink). Offsets are byte offsets into the batch buffer.
 */
export class JsonIndex {
  /** Records indexed. */
  n = 0;
  /** Per record: JSON_REC_* status, JSON_FLAG_* bits, error offset (-1: none) and JSON_E_* code. */
  status: Uint8Array = new Uint8Array(64);
  flags: Uint8Array = new Uint8Array(64);
  errAt: Int32Array = new Int32Array(64);
  errCode: Int32Array = new Int32Array(64);
  /** Members of record r: memberOff[r] .. memberOff[r + 1] (none for a rejected record). */
  memberOff: Int32Array = new Int32Array(65);
  members = 0;
  /** Per member: key bytes without the quotes, value span, JSON_K_* kind, number (NaN unless JSON_K_NUMBER). */
  keyS: Int32Array = new Int32Array(256);
  keyE: Int32Array = new Int32Array(256);
  valS: Int32Array = new Int32Array(256);
  valE: Int32Array = new Int32Array(256);
  valKind: Uint8Array = new Uint8Array(256);
  valNum: Float64Array = new Float64Array(256);
  /** Elements of member m's array value: elemOff[m] .. elemOff[m + 1] (none when the value is not an array). */
  elemOff: Int32Array = new Int32Array(257);
  elems = 0;
  elemS: Int32Array = new Int32Array(1024);
  elemE: Int32Array = new Int32Array(1024);
  elemKind: Uint8Array = new Uint8Array(1024);
  elemNum: Float64Array = new Float64Array(1024);

  /** Empties the index for `n` records. */
  reset(n: number): void {
    this.n = n;
    this.members = 0;
    this.elems = 0;
    this.ensureRecords(n);
    this.memberOff[0] = 0;
    this.elemOff[0] = 0;
  }

  ensureRecords(n: number): void {
    this.status = growU8(this.status, n);
    this.flags = growU8(this.flags, n);
    this.errAt = growI32(this.errAt, n);
    this.errCode = growI32(this.errCode, n);
    this.memberOff = growI32(this.memberOff, n + 1);
  }

  ensureMembers(m: number): void {
    this.keyS = growI32(this.keyS, m);
    this.keyE = growI32(this.keyE, m);
    this.valS = growI32(this.valS, m);
    this.valE = growI32(this.valE, m);
    this.valKind = growU8(this.valKind, m);
    this.valNum = growF64(this.valNum, m);
    this.elemOff = growI32(this.elemOff, m + 1);
  }

  ensureElems(k: number): void {
    this.elemS = growI32(this.elemS, k);
    this.elemE = growI32(this.elemE, k);
    this.elemKind = growU8(this.elemKind, k);
    this.elemNum = growF64(this.elemNum, k);
  }
}

export interface IndexOptions {
  /** Nesting limit (default 512; at most 4096). */
  maxDepth?: number;
}

export interface JsonKernels {
  /**
   * Validates and indexes records: record r is buf[start[r], end[r]) (bytes of one JSON value each, e.g. one JSON
   * Lines line). Fills `out` (reset first) and returns it. O(bytes); string contents are scanned 16 bytes at a time
   * on wasm-simd. A record's reject reason is its status; nothing throws for bad records.
   */
  indexRecords(buf: Uint8Array | ResidentBuffer<Uint8Array>, start: Int32Array, end: Int32Array, out: JsonIndex, opts?: IndexOptions): JsonIndex;
}

function bufLength(b: Uint8Array | ResidentBuffer<Uint8Array>): number {
  return b.length;
}

export function guardJson(k: JsonKernels): JsonKernels {
  return {
    indexRecords(buf, start, end, out, opts = {}) {
      if (!(buf instanceof Uint8Array) && !(typeof buf === 'object' && buf !== null && 'view' in buf && buf.type === Uint8Array)) {
        throw new TypeError('pairsmith: indexRecords: buf must be a Uint8Array or a resident Uint8Array');
      }
      if (!(start instanceof Int32Array) || !(end instanceof Int32Array)) throw new TypeError('pairsmith: indexRecords: start and end must be Int32Arrays');
      if (start.length !== end.length) throw new RangeError(`pairsmith: indexRecords: start (${start.length}) and end (${end.length}) differ in length`);
      if (!(out instanceof JsonIndex)) throw new TypeError('pairsmith: indexRecords: out must be a JsonIndex');
      const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
      if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > JSON_DEPTH_LIMIT) {
        throw new RangeError(`pairsmith: indexRecords: maxDepth must be an integer in [1, ${JSON_DEPTH_LIMIT}], got ${maxDepth}`);
      }
      const len = bufLength(buf);
      for (let r = 0; r < start.length; r++) {
        const s = start[r]!;
        const e = end[r]!;
        if (!(s >= 0 && s <= e && e <= len)) throw new RangeError(`pairsmith: indexRecords: record ${r} span [${s}, ${e}) is outside the buffer (${len} bytes)`);
      }
      return k.indexRecords(buf, start, end, out, { maxDepth });
    },
  };
}

export function bindJson(ctx: WasmContext): JsonKernels {
  return {
    indexRecords(buf, start, end, out, opts = {}) {
      const n = start.length;
      out.reset(n);
      if (n === 0) return out;
      // Room for members and elements: what the previous batch needed is a good start; grown on overflow.
      let memberCap = Math.max(64, out.keyS.length);
      let elemCap = Math.max(256, out.elemS.length);
      let first = 0;
      while (first < n) {
        const got = ctx.run((s) => {
          const [bp] = s.inputs(buf);
          const rs = s.array(Int32Array, n - first);
          const re = s.array(Int32Array, n - first);
          ctx.arena.view(Int32Array, rs, n - first).set(start.subarray(first));
          ctx.arena.view(Int32Array, re, n - first).set(end.subarray(first));
          const cnt = n - first;
          const status = s.array(Uint8Array, cnt);
          const flags = s.array(Uint8Array, cnt);
          const errAt = s.array(Int32Array, cnt);
          const errCode = s.array(Int32Array, cnt);
          const memberOff = s.array(Int32Array, cnt + 1);
          const keyS = s.array(Int32Array, memberCap);
          const keyE = s.array(Int32Array, memberCap);
          const valS = s.array(Int32Array, memberCap);
          const valE = s.array(Int32Array, memberCap);
          const valKind = s.array(Uint8Array, memberCap);
          const valNum = s.array(Float64Array, memberCap);
          const elemOff = s.array(Int32Array, memberCap + 1);
          const elemS = s.array(Int32Array, elemCap);
          const elemE = s.array(Int32Array, elemCap);
          const elemKind = s.array(Uint8Array, elemCap);
          const elemNum = s.array(Float64Array, elemCap);
          const params = s.array(Int32Array, JSON_P_SLOTS);
          const p = ctx.arena.view(Int32Array, params, JSON_P_SLOTS);
          p[JSON_P_BUF] = bp!;
          p[JSON_P_COUNT] = cnt;
          p[JSON_P_REC_START] = rs;
          p[JSON_P_REC_END] = re;
          p[JSON_P_MAX_DEPTH] = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
          p[JSON_P_STATUS] = status;
          p[JSON_P_FLAGS] = flags;
          p[JSON_P_ERR_AT] = errAt;
          p[JSON_P_ERR_CODE] = errCode;
          p[JSON_P_MEMBER_OFF] = memberOff;
          p[JSON_P_MEMBER_CAP] = memberCap;
          p[JSON_P_KEY_S] = keyS;
          p[JSON_P_KEY_E] = keyE;
          p[JSON_P_VAL_S] = valS;
          p[JSON_P_VAL_E] = valE;
          p[JSON_P_VAL_KIND] = valKind;
          p[JSON_P_VAL_NUM] = valNum;
          p[JSON_P_ELEM_OFF] = elemOff;
          p[JSON_P_ELEM_CAP] = elemCap;
          p[JSON_P_ELEM_S] = elemS;
          p[JSON_P_ELEM_E] = elemE;
          p[JSON_P_ELEM_KIND] = elemKind;
          p[JSON_P_ELEM_NUM] = elemNum;
          // Numbering in this call's scratch starts at 0; it is shifted into `out` below.
          ctx.arena.view(Int32Array, memberOff, 1)[0] = 0;
          ctx.arena.view(Int32Array, elemOff, 1)[0] = 0;
          check('indexRecords', (ctx.raw.indexRecords as (p: number) => number)(params));
          const done = ctx.arena.view(Int32Array, params, JSON_P_SLOTS)[JSON_P_DONE]!;
          if (done === 0) return 0;
          const mo = ctx.arena.view(Int32Array, memberOff, done + 1);
          const members = mo[done]!;
          const eo = ctx.arena.view(Int32Array, elemOff, members + 1);
          const elems = eo[members]!;
          const m0 = out.members;
          const k0 = out.elems;
          out.ensureMembers(m0 + members);
          out.ensureElems(k0 + elems);
          out.status.set(ctx.arena.view(Uint8Array, status, done), first);
          out.flags.set(ctx.arena.view(Uint8Array, flags, done), first);
          out.errAt.set(ctx.arena.view(Int32Array, errAt, done), first);
          out.errCode.set(ctx.arena.view(Int32Array, errCode, done), first);
          for (let r = 1; r <= done; r++) out.memberOff[first + r] = m0 + mo[r]!;
          out.keyS.set(ctx.arena.view(Int32Array, keyS, members), m0);
          out.keyE.set(ctx.arena.view(Int32Array, keyE, members), m0);
          out.valS.set(ctx.arena.view(Int32Array, valS, members), m0);
          out.valE.set(ctx.arena.view(Int32Array, valE, members), m0);
          out.valKind.set(ctx.arena.view(Uint8Array, valKind, members), m0);
          out.valNum.set(ctx.arena.view(Float64Array, valNum, members), m0);
          for (let m = 1; m <= members; m++) out.elemOff[m0 + m] = k0 + eo[m]!;
          out.elemS.set(ctx.arena.view(Int32Array, elemS, elems), k0);
          out.elemE.set(ctx.arena.view(Int32Array, elemE, elems), k0);
          out.elemKind.set(ctx.arena.view(Uint8Array, elemKind, elems), k0);
          out.elemNum.set(ctx.arena.view(Float64Array, elemNum, elems), k0);
          out.members = m0 + members;
          out.elems = k0 + elems;
          return done;
        });
        if (got === 0) {
          // One record needs more room than there is: grow and retry it.
          memberCap *= 2;
          elemCap *= 2;
          continue;
        }
        first += got;
      }
      return out;
    },
  };
}

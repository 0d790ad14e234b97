// Log-prob columns of the fast pairs path: per candidate, policy and reference log-probs as sequence sums or
// per-token lists (CSR), parsed from the record's bytes, with a missing flag; implicit rewards per chunk on
// the engine.
import type { GroupEngine } from '../pipeline/group-engine.js';
import { GrowF64, GrowI32 } from './grow.js';
import { arrayElements, NUM_FINITE, parseNumberArray } from './scan.js';

export type LogpKind = 'none' | 'sums' | 'tokens';

export class LogpColumns {
  private buf: Uint8Array = new Uint8Array(0);
  private tmpPol = new Float64Array(64);
  private tmpRef = new Float64Array(64);
  private tmpPolK = new Uint8Array(64);
  private tmpRefK = new Uint8Array(64);
  private tokPol = new GrowF64();
  private tokRef = new GrowF64();
  private tokOff = new GrowI32();
  private seqMissing = new GrowI32();

  constructor() {
    this.reset();
  }

  /** Empties the chunk's columns. */
  reset(): void {
    this.tokPol.n = 0;
    this.tokRef.n = 0;
    this.tokOff.n = 0;
    this.tokOff.push(0);
    this.seqMissing.n = 0;
  }

  /**
   * Parses one record's two log-prob fields (spans sp[6..9]) for `nr` candidates: 'sums' (numbers or null),
   * 'tokens' (lists), or null when they cannot be taken as-is (the record goes to the slow path).
   */
  parse(buf: Uint8Array, sp: Int32Array, nr: number): LogpKind | null {
    this.buf = buf;
    if (this.tmpPol.length < nr + 1) {
      const c = Math.max(nr + 1, this.tmpPol.length * 2);
      this.tmpPol = new Float64Array(c);
      this.tmpRef = new Float64Array(c);
      this.tmpPolK = new Uint8Array(c);
      this.tmpRefK = new Uint8Array(c);
    }
    const np = parseNumberArray(buf, sp[6]!, sp[7]!, this.tmpPol, this.tmpPolK, 0);
    const nf = parseNumberArray(buf, sp[8]!, sp[9]!, this.tmpRef, this.tmpRefK, 0);
    if (np === nr && nf === nr) return 'sums';
    if (np < 0 || nf < 0) return this.tokens(buf, sp, nr) ? 'tokens' : null;
    return null;
  }

  /** Candidates recorded so far in this chunk. */
  get count(): number {
    return this.seqMissing.n;
  }

  /**
   * Records candidates without log-probs up to `n` in all. Groups without log-probs push nothing (most inputs
   * have none); a chunk's first group with log-probs fills in the ones before it, and rewards() the rest.
   */
  fill(n: number): void {
    while (this.seqMissing.n < n) {
      this.seqMissing.push(1);
      this.tokOff.push(this.tokPol.n);
    }
  }

  /** Appends one candidate of a slow-path record from parsed values (a number, a list, or missing). */
  pushValues(a: number | readonly number[] | null | undefined, b: number | readonly number[] | null | undefined): void {
    const ta = typeof a === 'number' ? [a] : Array.isArray(a) ? a : null;
    const tb = typeof b === 'number' ? [b] : Array.isArray(b) ? b : null;
    const ok = ta !== null && tb !== null && ta.length === tb.length && ta.every(Number.isFinite) && tb.every(Number.isFinite);
    this.seqMissing.push(ok ? 0 : 1);
    if (ok) {
      for (let t = 0; t < ta.length; t++) {
        this.tokPol.push(ta[t]!);
        this.tokRef.push(tb[t]!);
      }
    }
    this.tokOff.push(this.tokPol.n);
  }

  /** Implicit rewards of the chunk's `nc` candidates (NaN where log-probs are missing). */
  rewards(engine: GroupEngine, nc: number, beta: number, reduce: 'sum' | 'mean'): Float64Array {
    this.fill(nc);
    const off = this.tokOff.a.slice(0, nc + 1);
    const r = engine.implicitRewards(this.tokPol.a.subarray(0, this.tokPol.n), this.tokRef.a.subarray(0, this.tokRef.n), off, { beta, reduce });
    for (let i = 0; i < nc; i++) if (this.seqMissing.a[i]) r[i] = Number.NaN;
    return r;
  }

  // Per-token log-probs of the current record, parsed into tmp token storage (tokPolRec/tokRefRec).
  private recTokPol = new GrowF64();
  private recTokRef = new GrowF64();
  private recTokOff = new Int32Array(65);
  private recMissing = new Uint8Array(64);

  /** Parses per-token (or mixed) log-prob lists of one record's `nr` candidates; false: not fast-path material. */
  private tokens(buf: Uint8Array, sp: Int32Array, nr: number): boolean {
    this.buf = buf;
    const pe = new Int32Array(2 * nr + 2);
    const re = new Int32Array(2 * nr + 2);
    if (arrayElements(buf, sp[6]!, sp[7]!, pe) !== nr || arrayElements(buf, sp[8]!, sp[9]!, re) !== nr) return false;
    if (this.recTokOff.length < nr + 1) {
      this.recTokOff = new Int32Array(nr + 1);
      this.recMissing = new Uint8Array(nr);
    }
    this.recTokPol.n = 0;
    this.recTokRef.n = 0;
    for (let i = 0; i < nr; i++) {
      this.recTokOff[i] = this.recTokPol.n;
      this.recMissing[i] = 0;
      const a0 = pe[2 * i]!;
      const b0 = re[2 * i]!;
      const aNull = buf[a0] === 0x6e;
      const bNull = buf[b0] === 0x6e;
      if (aNull || bNull) {
        this.recMissing[i] = 1;
        continue;
      }
      if (buf[a0] !== 0x5b || buf[b0] !== 0x5b) {
        // A plain number (sequence sum) among token arrays: a one-token sequence.
        const va = this.numberAt(a0, pe[2 * i + 1]!);
        const vb = this.numberAt(b0, re[2 * i + 1]!);
        if (va === null || vb === null) return false;
        this.recTokPol.push(va);
        this.recTokRef.push(vb);
        continue;
      }
      const na = this.countTokens(a0, pe[2 * i + 1]!, this.recTokPol);
      const nb = this.countTokens(b0, re[2 * i + 1]!, this.recTokRef);
      if (na < 0 || nb < 0 || na !== nb) return false;
    }
    this.recTokOff[nr] = this.recTokPol.n;
    return true;
  }

  private numberAt(s: number, e: number): number | null {
    const buf = this.buf;
    // Parse the single token by viewing it as a one-element array (rare: sums mixed with token arrays).
    const tmp = new Uint8Array(e - s + 2);
    tmp[0] = 0x5b;
    tmp.set(buf.subarray(s, e), 1);
    tmp[tmp.length - 1] = 0x5d;
    const out = new Float64Array(1);
    const k = new Uint8Array(1);
    if (parseNumberArray(tmp, 0, tmp.length, out, k, 0) !== 1 || k[0] !== NUM_FINITE) return null;
    return out[0]!;
  }

  private countTokens(s: number, e: number, into: GrowF64): number {
    // Upper bound on the element count: commas + 1.
    let commas = 1;
    for (let i = s; i < e; i++) if (this.buf[i] === 0x2c) commas++;
    into.ensure(commas);
    const kinds = new Uint8Array(commas);
    const n = parseNumberArray(this.buf, s, e, into.a, kinds, into.n);
    if (n < 0) return -1;
    for (let i = 0; i < n; i++) if (kinds[i] !== NUM_FINITE) return -1;
    into.n += n;
    return n;
  }

  /** Appends candidate i of the record last parsed (or a missing entry for `none`). */
  push(logps: 'none' | 'sums' | 'tokens', i: number): void {
    if (logps === 'sums') {
      const ok = this.tmpPolK[i] === NUM_FINITE && this.tmpRefK[i] === NUM_FINITE;
      this.seqMissing.push(ok ? 0 : 1);
      if (ok) {
        this.tokPol.push(this.tmpPol[i]!);
        this.tokRef.push(this.tmpRef[i]!);
      }
    } else if (logps === 'tokens') {
      this.seqMissing.push(this.recMissing[i]!);
      for (let t = this.recTokOff[i]!; t < this.recTokOff[i + 1]!; t++) {
        this.tokPol.push(this.recTokPol.a[t]!);
        this.tokRef.push(this.recTokRef.a[t]!);
      }
    } else {
      this.seqMissing.push(1);
    }
    this.tokOff.push(this.tokPol.n);
  }
}

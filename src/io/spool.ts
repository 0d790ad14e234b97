// A spool: bytes appended once and read back by offset, so a command can keep large intermediate data (spilled
// columns, rows to reorder) out of memory, and SpillColumn, a column of doubles whose blocks go to a spool as it
// grows. Runtime neutral: MemorySpool keeps the bytes in memory; the CLI passes a file spool (src/io/node/spool.ts)
// so memory stays bounded.

export interface Spool {
  /** Appends bytes (copied or written at once: the caller may reuse them); returns their offset. */
  append(bytes: Uint8Array): number;
  /** The `length` bytes at `offset` (a view valid until the next call). */
  read(offset: number, length: number): Uint8Array;
  /** Releases what the spool holds (its temp file). */
  close(): void;
}

export type SpoolFactory = () => Spool;

export class MemorySpool implements Spool {
  private buf = new Uint8Array(1 << 16);
  private n = 0;
  append(bytes: Uint8Array): number {
    if (this.n + bytes.length > this.buf.length) {
      let c = this.buf.length * 2;
      while (c < this.n + bytes.length) c *= 2;
      const b = new Uint8Array(c);
      b.set(this.buf.subarray(0, this.n));
      this.buf = b;
    }
    const at = this.n;
    this.buf.set(bytes, at);
    this.n += bytes.length;
    return at;
  }
  read(offset: number, length: number): Uint8Array {
    return this.buf.subarray(offset, offset + length);
  }
  close(): void {
    this.buf = new Uint8Array(0);
  }
}

/** A SpillColumn's block: 32768 doubles (256 KiB). */
const COLUMN_BLOCK = 1 << 15;

/**
 * A column of doubles appended in order and read back in order, a block at a time, in bounded memory: full blocks
 * stay in memory up to `keepBytes`, then, with a spool, every block goes to it (the ones kept first) and is read
 * back when its turn comes. Several columns may share one spool.
 */
export class SpillColumn {
  n = 0;
  private cur = new Float64Array(COLUMN_BLOCK);
  private fill = 0;
  /** Full blocks, in memory or where they are in the spool. */
  private readonly blocks: (Float64Array | number)[] = [];
  private spilling = false;
  private scratch: Float64Array | undefined;

  constructor(
    private readonly spool?: Spool,
    private readonly keepBytes = 1 << 20,
  ) {}

  push(v: number): void {
    this.cur[this.fill++] = v;
    this.n++;
    if (this.fill === COLUMN_BLOCK) {
      // A block kept in memory takes the array; a spilled one was copied (append copies), so it is filled again.
      if (this.seal(this.cur)) this.cur = new Float64Array(COLUMN_BLOCK);
      this.fill = 0;
    }
  }

  /** Adds a full block: kept (true) or copied to the spool (false). */
  private seal(b: Float64Array): boolean {
    if (this.spool && !this.spilling && 8 * COLUMN_BLOCK * (this.blocks.length + 1) > this.keepBytes) {
      this.spilling = true;
      for (let k = 0; k < this.blocks.length; k++) this.blocks[k] = this.spool.append(asBytes(this.blocks[k] as Float64Array));
    }
    this.blocks.push(this.spilling ? this.spool!.append(asBytes(b)) : b);
    return !this.spilling;
  }

  /** Calls `each` with every block in order (a spilled one is a view valid only during the call), the last partly filled. */
  forEach(each: (chunk: Float64Array) => void): void {
    for (const b of this.blocks) {
      if (typeof b !== 'number') each(b);
      else {
        const v = this.spool!.read(b, 8 * COLUMN_BLOCK);
        if (v.byteOffset % 8 === 0) each(new Float64Array(v.buffer, v.byteOffset, COLUMN_BLOCK));
        else {
          this.scratch ??= new Float64Array(COLUMN_BLOCK);
          asBytes(this.scratch).set(v);
          each(this.scratch);
        }
      }
    }
    if (this.fill > 0) each(this.cur.subarray(0, this.fill));
  }
}

const asBytes = (x: Float64Array): Uint8Array => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);

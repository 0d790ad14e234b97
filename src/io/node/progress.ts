// Progress on stderr for long runs: bytes (and the share of the input when its size is known), records, rates and
// an estimated time left, redrawn at most twice a second and only when enabled (stderr is a terminal and not
// --quiet). done() ends the line so later messages start on a fresh one.

function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

function duration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.ceil(s - 60 * m)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export class Progress {
  private bytes = 0;
  private records = 0;
  private last = 0;
  private drawn = false;
  private readonly t0 = Date.now();

  constructor(
    private readonly write: (s: string) => void,
    readonly enabled: boolean,
    /** Input size in bytes when known (for the share done and the time left). */
    /** Input bytes in all (undefined: unknown); a shard sets its own. */
    public total?: number,
    private readonly label = 'read',
  ) {}

  /** Bytes and records read so far (totals, not increments). */
  update(bytes: number, records: number): void {
    this.bytes = bytes;
    this.records = records;
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 500) return;
    this.last = now;
    this.draw(now);
  }

  /** The line as drawn (for tests). */
  line(now = Date.now()): string {
    const s = Math.max(1e-3, (now - this.t0) / 1000);
    const rate = this.bytes / s;
    const share = this.total && this.total > 0 ? Math.min(1, this.bytes / this.total) : undefined;
    const head = share !== undefined ? `${mb(this.bytes)} of ${mb(this.total!)} (${(100 * share).toFixed(0)}%)` : mb(this.bytes);
    const eta = share !== undefined && rate > 0 ? `, ETA ${duration((this.total! - this.bytes) / rate)}` : '';
    return `${this.label}: ${head}, ${this.records} records, ${Math.round(this.records / s)} records/s, ${(rate / 1e6).toFixed(1)} MB/s${eta}`;
  }

  private draw(now: number): void {
    this.write(`\r${this.line(now)}\x1b[K`);
    this.drawn = true;
  }

  done(): void {
    if (this.enabled && this.drawn) {
      this.draw(Date.now());
      this.write('\n');
    }
  }
}

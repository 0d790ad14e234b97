// Progress on stderr for long runs: records/s and MB/s, redrawn at most twice a second, only when enabled
// (stderr is a TTY and not --quiet). Ends with a newline so later messages start on a fresh line.

export class Progress {
  private records = 0;
  private bytes = 0;
  private last = 0;
  private drawn = false;
  private readonly t0 = Date.now();

  constructor(
    private readonly write: (s: string) => void,
    readonly enabled: boolean,
    private readonly label = 'read',
  ) {}

  addBytes = (n: number): void => {
    this.bytes += n;
  };

  addRecords(n: number): void {
    this.records += n;
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 500) return;
    this.last = now;
    this.draw(now);
  }

  private draw(now: number): void {
    const s = Math.max(1e-3, (now - this.t0) / 1000);
    const line = `${this.label}: ${this.records} records, ${(this.bytes / 1e6).toFixed(1)} MB, ${Math.round(this.records / s)} records/s, ${(this.bytes / 1e6 / s).toFixed(1)} MB/s`;
    this.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }

  done(): void {
    if (this.enabled && this.drawn) {
      this.draw(Date.now());
      this.write('\n');
    }
  }
}

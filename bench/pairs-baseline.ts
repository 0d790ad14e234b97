// The plain-JS baseline of the pairs benchmark: what a script would do (parse every line, compute in JS,
// serialize every row), written independently of the pipeline. Sweet spot: chosen = max, rejected = the
// candidate nearest mu - 2 sigma (population sigma; ties: lower score, then lower index).
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

export function plainPairs(input: string, output: string): { records: number; pairs: number } {
  const fd = openSync(input, 'r');
  const out = openSync(output, 'w');
  const buf = Buffer.alloc(4 << 20);
  const dec = new TextDecoder();
  let rest = '';
  let records = 0;
  let pairs = 0;
  let pending: string[] = [];
  const flush = () => {
    if (pending.length) writeSync(out, pending.join(''));
    pending = [];
  };
  const line = (l: string) => {
    if (l.trim() === '') return;
    records++;
    const r = JSON.parse(l) as { prompt: string; responses: string[]; scores: number[] };
    const s = r.scores;
    let n = 0;
    let sum = 0;
    let best = -1;
    for (let i = 0; i < s.length; i++) {
      if (!Number.isFinite(s[i])) continue;
      n++;
      sum += s[i]!;
      if (best < 0 || s[i]! > s[best]!) best = i;
    }
    if (n < 2) return;
    const mu = sum / n;
    let ss = 0;
    for (const x of s) if (Number.isFinite(x)) ss += (x - mu) * (x - mu);
    const sigma = Math.sqrt(ss / n);
    if (!(sigma > 0)) return;
    const t = mu - 2 * sigma;
    let rej = -1;
    for (let i = 0; i < s.length; i++) {
      if (!Number.isFinite(s[i])) continue;
      const d = Math.abs(s[i]! - t);
      const e = rej < 0 ? Infinity : Math.abs(s[rej]! - t);
      if (d < e || (d === e && s[i]! < s[rej]!)) rej = i;
    }
    if (rej === best || !(s[best]! > s[rej]!)) return;
    pairs++;
    pending.push(
      `${JSON.stringify({
        prompt: r.prompt,
        chosen: r.responses[best],
        rejected: r.responses[rej],
        score_chosen: s[best],
        score_rejected: s[rej],
        margin: s[best]! - s[rej]!,
        prompt_index: records - 1,
        chosen_index: best,
        rejected_index: rej,
        strategy: 'sweet-spot',
      })}\n`,
    );
    if (pending.length >= 1000) flush();
  };
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n <= 0) break;
    const text = rest + dec.decode(buf.subarray(0, n), { stream: true });
    const lines = text.split('\n');
    rest = lines.pop()!;
    for (const l of lines) line(l);
  }
  rest += dec.decode();
  if (rest) line(rest);
  flush();
  closeSync(fd);
  closeSync(out);
  return { records, pairs };
}

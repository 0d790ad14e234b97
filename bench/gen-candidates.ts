// Seeded generator of a large candidates JSONL input for the pairs benchmark: `prompts` records with `n`
// responses of about `chars` characters each and reward scores (6 decimals, as reward models print them).
// Runtime neutral: yields Uint8Array chunks.
import { rng } from './harness.js';

const WORDS = 'the of and to in is that for it as with was on be by this are or from at which an have not but they can more one all their there been if has will also when would what so each about how then into only some than other these its time two may first like new any such very most could our over even back many much because good well through where just those same after both used way make while under down work made part great'.split(' ');

export interface GenOptions {
  prompts: number;
  candidates: number;
  chars: number;
  seed?: number;
  /** Records per yielded chunk. */
  batch?: number;
}

/** JSONL lines `{"id", "prompt", "responses", "scores"}`, in chunks of `batch` records. */
export function* generateCandidates(o: GenOptions): Generator<Uint8Array> {
  const rand = rng(o.seed ?? 1);
  const enc = new TextEncoder();
  const text = (len: number): string => {
    let s = '';
    while (s.length < len) s += (s ? ' ' : '') + WORDS[Math.floor(rand() * WORDS.length)];
    return s;
  };
  const batch = o.batch ?? 1000;
  let lines: string[] = [];
  for (let p = 0; p < o.prompts; p++) {
    const responses: string[] = [];
    const scores: number[] = [];
    const mu = rand() * 4 - 2;
    for (let i = 0; i < o.candidates; i++) {
      responses.push(text(o.chars - 10 + Math.floor(rand() * 20)));
      // sum of uniforms ~ normal, an occasional low outlier
      const z = rand() + rand() + rand() + rand() - 2;
      scores.push(Number((mu + z + (rand() < 0.03 ? -6 : 0)).toFixed(6)));
    }
    lines.push(JSON.stringify({ id: p, prompt: text(80), responses, scores }));
    if (lines.length === batch) {
      yield enc.encode(`${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length) yield enc.encode(`${lines.join('\n')}\n`);
}

// A generated candidates file with the untidy records a real one has (malformed lines, non-objects, blank and CRLF
// lines, ties, message-list prompts, a record too large to buffer with --max-record-bytes 1000000, missing scores):
// the input of the threads, shards and Dask tests.
import { writeFileSync } from 'node:fs';
import { mulberry32 } from '../../src/pipeline/rng.js';

/** Writes `prompts` lines to `path`; returns the generator's prompt number of each record (records are non-blank lines). */
export function writeUntidyInput(path: string, prompts: number): number[] {
  const rnd = mulberry32(20261202);
  const lines: string[] = [];
  for (let i = 0; i < prompts; i++) {
    if (i % 997 === 13) lines.push('{"prompt": "broken", "responses": ["a", "b"], "scores": [1, ');
    else if (i % 1511 === 7) lines.push('[1, 2, 3]');
    else if (i % 701 === 3) lines.push('');
    else if (i === 9000) lines.push(JSON.stringify({ prompt: 'huge', responses: ['x'.repeat(3_000_000), 'y'], scores: [1, 2] }));
    else {
      const n = 3 + Math.floor(rnd() * 6);
      const tie = i % 89 === 0;
      const scores: (number | null)[] = Array.from({ length: n }, () => (tie ? 0.5 : Math.round(rnd() * 1000) / 1000));
      if (i % 53 === 0) scores[0] = null;
      const prompt = i % 7 === 0 ? [{ role: 'user', content: `question ${i}` }] : `question ${i}`;
      const rec = { prompt, responses: Array.from({ length: n }, (_, j) => `answer ${i}.${j} ${'w'.repeat(Math.floor(rnd() * 40))}`), scores };
      lines.push(JSON.stringify(rec) + (i % 101 === 0 ? '\r' : ''));
    }
  }
  writeFileSync(path, lines.join('\n') + '\n');
  const promptOf: number[] = [];
  lines.forEach((l, i) => {
    if (l.trim() !== '') promptOf.push(i);
  });
  return promptOf;
}

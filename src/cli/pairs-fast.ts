// The fast path of `pairsmith pairs` (Node side): decides whether an input can take it (a local JSON Lines
// file, optionally gzip, of candidates/onpolicy records with top-level fields and plain-text prompts and
// responses, written to JSON Lines), then streams it through FastPairs with the datasets layer's decoder as
// the slow path, so rejects, exclusions and the manifest are the same as on the record path.
import { resolve } from 'node:path';
import { DEFAULT_FIELDS } from '../io/adapters.js';
import { RecordDecoder } from '../io/decoder.js';
import { detectFormat } from '../io/detect.js';
import { parseJson } from '../io/json.js';
import { fileChunks, isGzipFile } from '../io/node/chunks.js';
import { openByteWriter } from '../io/node/byte-writer.js';
import { inputKind } from '../io/node/read.js';
import { outputKind } from '../io/node/write.js';
import { promptString, responseString } from '../io/text.js';
import type { RawItem, Reject } from '../io/types.js';
import { FastPairs, type FastFields, type SlowOutcome } from '../io/fast-pairs.js';
import type { GroupEngine } from '../pipeline/group-engine.js';
import type { PairsOptions } from '../pipeline/pairs.js';
import type { RewardOptions } from '../pipeline/candidates.js';
import { closeSync, openSync, readSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import type { DataRun } from './data-run.js';
import type { InputOptions } from './options.js';

export interface FastPlan {
  full: string;
  format: 'candidates' | 'onpolicy';
  fields: FastFields;
  detected: string | null;
}

const SIMPLE = /^[^.\\"]+$/;

function firstLine(full: string): string | null {
  const fd = openSync(full, 'r');
  try {
    const raw = Buffer.alloc(1 << 20);
    const got = readSync(fd, raw, 0, raw.length, 0);
    let head = raw.subarray(0, got);
    let whole = got < raw.length;
    if (isGzipFile(full)) {
      // Decompress what the first megabyte holds (a partial stream is fine with a sync flush).
      head = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
      whole = false;
    }
    const text = head.toString('utf8');
    const nl = text.indexOf('\n');
    for (const l of text.split('\n')) if (l.trim() !== '') return nl >= 0 || whole ? l : null;
    return null;
  } finally {
    closeSync(fd);
  }
}

/** The fast-path plan for an input, or null when the record path must be used. */
export function fastPlan(input: string, output: string, o: InputOptions, cwd?: string): FastPlan | null {
  if (input === '-' || inputKind(input) !== 'jsonl' || outputKind(output) === 'parquet') return null;
  if (o.format !== 'auto' && o.format !== 'candidates' && o.format !== 'onpolicy') return null;
  const full = resolve(cwd ?? process.cwd(), input);
  let line: string | null;
  try {
    line = firstLine(full);
  } catch {
    return null; // the record path reports the error
  }
  if (line === null) return null;
  let rec: unknown;
  try {
    rec = parseJson(line);
  } catch {
    return null;
  }
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) return null;
  const r = rec as Record<string, unknown>;
  let format = o.format;
  let detected: string | null = null;
  if (format === 'auto') {
    const d = detectFormat(r, o.fields);
    if (!d || (d.format !== 'candidates' && d.format !== 'onpolicy')) return null;
    format = d.format;
    detected = d.reason;
  }
  const def = DEFAULT_FIELDS[format as 'candidates' | 'onpolicy'];
  const fields: FastFields = {
    prompt: o.fields.prompt ?? def.prompt,
    responses: o.fields.responses ?? def.responses!,
    scores: o.fields.scores ?? def.scores!,
    policyLogps: 'policy_logps',
    referenceLogps: 'reference_logps',
  };
  if (![fields.prompt, fields.responses, fields.scores].every((f) => SIMPLE.test(f))) return null;
  // Plain-text prompts and responses (the output is standard TRL); conversational inputs take the record path.
  const resp = r[fields.responses];
  if (typeof r[fields.prompt] !== 'string' || !Array.isArray(resp) || !resp.every((x) => typeof x === 'string')) return null;
  return { full, format: format as 'candidates' | 'onpolicy', fields, detected };
}

export interface FastRunResult {
  fastRecords: number;
  slowRecords: number;
  report: FastPairs['report'];
}

/** Runs the fast path; the DataRun's tally, rejects and output are filled as on the record path. */
export async function runFastPairs(
  run: DataRun,
  plan: FastPlan,
  output: string,
  engine: GroupEngine,
  opts: PairsOptions & RewardOptions,
  o: InputOptions,
): Promise<FastRunResult> {
  const tally = run.tally;
  const decoder = new RecordDecoder({ file: run.spec.input, format: plan.format, fields: o.fields, score: o.score, onError: o.onError, tally });
  run.useDecoder(decoder, plan.detected !== null);
  await run.openRejects();
  const writer = openByteWriter(output, { cwd: run.ctx.io.cwd, stdout: (s) => run.ctx.io.stdout(s) });
  run.useOutput(writer);
  const pending: Reject[] = [];
  const dec = new TextDecoder();
  const slow = (bytes: Uint8Array, line: number, index: number): SlowOutcome => {
    const text = dec.decode(bytes);
    let item: RawItem;
    try {
      item = { index, line, value: parseJson(text) };
    } catch (e) {
      item = { index, line, error: (e as Error).message, text };
    }
    const got = decoder.push([item]);
    pending.push(...got.rejects);
    const r = got.records[0];
    if (!r || r.kind !== 'candidates') return { kind: 'reject' };
    return {
      kind: 'record',
      record: {
        prompt: promptString(r.prompt),
        responses: r.responses.map(responseString),
        scores: r.scores,
        policyLogps: r.policyLogps,
        referenceLogps: r.referenceLogps,
      },
    };
  };
  const fp = new FastPairs(
    engine,
    { fields: plan.fields, pairs: opts, beta: opts.beta, reduce: opts.reduce, alloc: (n) => Buffer.allocUnsafe(n) },
    {
      slow,
      fastRecord: (n) => {
        tally.read();
        tally.candidatesRead += n;
      },
      excluded: (reason, n) => tally.exclude(reason, n),
      outcome: (pairs, noPair) => {
        if (pairs > 0) tally.written(pairs, pairs);
        else tally.noPairFor(noPair ?? 'no_pair');
      },
    },
  );
  for await (const chunk of fileChunks(plan.full)) {
    writer.writeBytes(fp.push(chunk));
    if (pending.length) await run.writeRejects(pending.splice(0));
  }
  writer.writeBytes(fp.end());
  if (pending.length) await run.writeRejects(pending.splice(0));
  return { fastRecords: fp.counts.fastRecords, slowRecords: fp.counts.slowRecords, report: fp.report };
}

#!/usr/bin/env node
// `pairsmith pairs` (sweet spot, the defaults) as one DuckDB query: the DuckDB peer in the e2e benchmark
// (bench/e2e.bench.ts), run as a fresh process like the json+numpy script. `read_json` reads the JSON Lines file
// (columns prompt VARCHAR, responses VARCHAR[], scores DOUBLE[]), SQL computes the picks per record and
// `COPY ... (FORMAT JSON)` writes one line per pair, in input order, in the json+numpy peer's shape
// (bench/peers/curate_numpy.py): prompt, chosen, rejected, score_chosen, score_rejected, margin, prompt_index,
// chosen_index, rejected_index.
//
// The rules (src/pipeline/construct.ts, src/reference/groups.ts): per record (prompt_index = 0-based record number
// in the file; blank lines are not records), over the candidates with a finite score (null, NaN and +-Infinity are
// left out; the indices stay those of the full list): mu = mean, sigma = population std; chosen = the first index
// of the max; rejected = the candidate nearest mu - 2 sigma among all of them (ties: the lower score, then the lower
// index; the min when the target is not finite). No pair when there are fewer than 2 finite scores, sigma is not
// > 0, the rejected is the chosen (same_candidate) or has the chosen's score (tie). Records that pairsmith rejects
// as a whole are skipped: a line that does not parse (ignore_errors makes it an all-null row, so the numbering
// holds), no prompt, responses and scores of different lengths. Not mirrored: DuckDB casts a string score such as
// "2" to a number where pairsmith rejects the record (wrong_type); the benchmark input has none.
//
// One row per record and list functions (list_filter, list_transform, list_sum, list_min over structs): the
// faster plan. One row per candidate (unnest, then count/avg/stddev_pop/min(struct) per prompt, a join back for
// the rejected and one for the texts) gave the same file on the benchmark input in about 1.5x the time, and
// stddev_pop raises an out-of-range error on scores near 1e308, so it is not kept.
//
// usage: node bench/peers/pairs_duckdb.mjs <in.jsonl> <out.jsonl> [--threads N]   (default 2)
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
const [src, dst] = args;
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const threads = Number(opt('--threads', '2'));
if (!src || !dst || !Number.isInteger(threads) || threads < 1) {
  process.stderr.write('usage: pairs_duckdb.mjs <in.jsonl> <out.jsonl> [--threads N]\n');
  process.exit(2);
}
const lit = (s) => `'${s.replaceAll("'", "''")}'`;

// The records in file order: row_number() OVER () numbers them as read (DuckDB's order preservation guarantees
// it for a single-table FROM with an empty OVER, and keeps the order through SELECT, WHERE and COPY).
const records = `
  SELECT row_number() OVER () - 1 AS prompt_index, prompt, responses, scores
  FROM read_json(${lit(src)}, format = 'newline_delimited', ignore_errors = true,
                 columns = {prompt: 'VARCHAR', responses: 'VARCHAR[]', scores: 'DOUBLE[]'})`;

const lists = `
  WITH src AS (${records}),
  usable AS (
    -- idx: the 0-based indices of the finite scores; v: those scores.
    SELECT prompt_index, prompt, responses, idx, list_transform(idx, lambda i: scores[i + 1]) AS v
    FROM (SELECT *, list_filter(range(len(scores)), lambda i: isfinite(scores[i + 1])) AS idx FROM src)
    WHERE prompt IS NOT NULL AND len(responses) = len(scores) AND len(idx) >= 2
  ),
  scaled AS (
    -- As the reference: values scaled by the largest magnitude when it exceeds 1e150 (no overflow in the sums).
    SELECT *, len(v) AS n, list_max(v) AS vmax, list_min(v) AS vmin,
      CASE WHEN greatest(abs(list_max(v)), abs(list_min(v))) > 1e150 THEN greatest(abs(list_max(v)), abs(list_min(v))) ELSE 1.0 END AS scale
    FROM usable
  ),
  mean AS (SELECT *, list_sum(list_transform(v, lambda x: x / scale)) / n * scale AS mu FROM scaled),
  stats AS (
    SELECT *, sqrt(list_sum(list_transform(v, lambda x: ((x - mu) / scale) * ((x - mu) / scale))) / n) * scale AS sigma
    FROM mean
  ),
  picks AS (
    -- c, r: 1-based positions in v. The rejected: the smallest (distance, score, position) struct.
    SELECT *,
      list_position(v, vmax) AS c,
      CASE WHEN isfinite(mu - 2 * sigma)
        THEN list_min(list_transform(range(1, n + 1), lambda j: {'d': abs(v[j] - (mu - 2 * sigma)), 'x': v[j], 'j': j})).j
        ELSE list_position(v, vmin) END AS r
    FROM stats
    WHERE sigma > 0
  )
  SELECT prompt, responses[idx[c] + 1] AS chosen, responses[idx[r] + 1] AS rejected,
    v[c] AS score_chosen, v[r] AS score_rejected, v[c] - v[r] AS margin,
    prompt_index, idx[c] AS chosen_index, idx[r] AS rejected_index
  FROM picks
  WHERE r <> c AND v[r] < v[c]`;

const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await db.connect();
await con.run(`COPY (${lists}) TO ${lit(dst)} (FORMAT JSON)`);
con.closeSync();
db.closeSync();

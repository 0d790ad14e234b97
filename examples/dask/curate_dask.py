#!/usr/bin/env python3
"""Curate one large JSON Lines file on a Dask cluster: N shards as N tasks, then one exact merge.

Each task runs `pairsmith curate INPUT --shard K/N -o <workdir>/part-K.jsonl [curate options]` (a partial result:
the shard's pairs and their margins); when all are done, `pairsmith merge` ranks every margin at once and writes
what a single `pairsmith curate INPUT [curate options]` writes, byte for byte (rows, rejects, manifest apart from
times and paths). Tasks need the input and the work directory on a filesystem every worker sees (a local disk for
a LocalCluster; NFS, a mounted bucket, ... for a cluster).

    python3 curate_dask.py big.jsonl -o curated.jsonl --shards 16 --local-workers 2 -- --fraction 0.1
    python3 curate_dask.py big.jsonl -o curated.jsonl --shards 64 --scheduler tcp://10.0.0.5:8786 -- --fraction 0.1

Everything after `--` goes to `pairsmith curate` (not -o, --shard or --threads: the recipe sets those).
"""
import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time


def run_shard(pairsmith, command, input_path, k, n, part, options):
    """One task: shard k of n as a partial result. Returns the part's path (raises with pairsmith's message on failure)."""
    cmd = [*pairsmith, command, input_path, "--shard", f"{k}/{n}", "-o", part, "--threads", "1", "-q", *options]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"shard {k}/{n} failed (exit {done.returncode}): {' '.join(map(shlex.quote, cmd))}\n{done.stderr}")
    return part


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input", help="a JSON Lines file (plain, not gzip: shards are byte ranges)")
    ap.add_argument("-o", "--output", required=True, help="the merged result (.jsonl, .jsonl.gz or .parquet)")
    ap.add_argument("--shards", type=int, default=8, help="number of shards (tasks); default 8")
    ap.add_argument("--command", default="curate", choices=["curate", "select"], help="pairsmith command (default curate)")
    ap.add_argument("--scheduler", help="address of a running Dask scheduler (default: start a LocalCluster)")
    ap.add_argument("--local-workers", type=int, default=2, help="LocalCluster worker processes (default 2)")
    ap.add_argument("--pairsmith", default="pairsmith", help='how to run pairsmith (default "pairsmith"; e.g. "node dist/cli/pairsmith.js")')
    ap.add_argument("--workdir", help="where the partial results go (default: a temp directory beside the output)")
    ap.add_argument("--keep", action="store_true", help="keep the partial results")
    args, rest = ap.parse_known_args()
    options = rest[1:] if rest[:1] == ["--"] else rest
    for bad in ("-o", "--output", "--shard", "--threads"):
        if bad in options:
            ap.error(f"{bad} is set by the recipe; do not pass it to {args.command}")

    from dask.distributed import Client, LocalCluster  # python3-distributed (Debian) or `pip install distributed`

    pairsmith = shlex.split(args.pairsmith)
    input_path = os.path.abspath(args.input)
    out_dir = os.path.dirname(os.path.abspath(args.output)) or "."
    workdir = args.workdir or tempfile.mkdtemp(prefix="pairsmith-shards-", dir=out_dir)
    os.makedirs(workdir, exist_ok=True)
    n = args.shards
    parts = [os.path.join(workdir, f"part-{k}.jsonl") for k in range(1, n + 1)]

    cluster = None
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=args.local_workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    started = time.time()
    try:
        futures = [
            client.submit(run_shard, pairsmith, args.command, input_path, k, n, parts[k - 1], options, key=f"pairsmith-shard-{k}-of-{n}", pure=False)
            for k in range(1, n + 1)
        ]
        client.gather(futures)
        sharded = time.time()
        merged = subprocess.run([*pairsmith, "merge", *parts, "-o", args.output], capture_output=True, text=True)
        sys.stderr.write(merged.stderr)
        if merged.returncode != 0:
            sys.exit(merged.returncode)
        print(f"{n} shards on {len(client.scheduler_info()['workers'])} workers in {sharded - started:.1f} s, merged in {time.time() - sharded:.1f} s: {args.output}", file=sys.stderr)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
        if not args.keep and not args.workdir:
            for p in parts:
                for suffix in ("", ".margins.jsonl", ".manifest.json", ".rejects.jsonl"):
                    try:
                        os.remove(p + suffix)
                    except FileNotFoundError:
                        pass
            try:
                os.rmdir(workdir)
            except OSError:
                pass


if __name__ == "__main__":
    main()

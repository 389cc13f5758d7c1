"""Memory under hostile sizes: one 10 MB document, one document at the size limit, and an archive of
200,000 small documents.

    python3 benchmarks/robustness.py [--part big|archive|all] [--docs 200000] [--jobs 2]

* ``big``: a 10 MB text file (real news, repeated) and the same text as one JSON line go through
  ``batch.run`` with the default limits: each must come out as one E003 error line (the policy:
  documents over ``--max-chars``, 500,000 characters by default, are refused, not cut). Then a
  document exactly at the limit is extracted, to state the memory bound of an accepted document.
  Each in a fresh process; peak RSS from ``ru_maxrss``.
* ``archive``: ``--docs`` small documents (news snippets of 100-700 characters, the file cycled)
  written to a ``.jsonl.gz``, run with ``--jobs`` workers; peak RSS of the parent and of each
  worker sampled every 1,000 documents, and the output line count (must equal the input).

Prints one JSON object (also written to ``--out``). Memory targets are checked here, never in tests.
"""
from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT.parent / "shared" / "data" / "news" / "iranian_news_2020.jsonl.gz"


def _news(n: int | None = None) -> list[str]:
    with gzip.open(NEWS, "rt", encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in itertools.islice(fh, n)]


def _maxrss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def big_part(which: str) -> dict:
    from welfare_nlp.batch.runner import run
    from welfare_nlp.settings import MAX_CHARS

    texts = _news(2000)
    with tempfile.TemporaryDirectory() as tmp:
        if which == "limit":
            text = "\n".join(texts)[:MAX_CHARS]
            path = Path(tmp) / "limit.txt"
            path.write_text(text, encoding="utf-8")
        else:
            text = "\n".join(texts)
            while len(text.encode("utf-8")) < 10 * 2**20:
                text += "\n" + text
            data = text.encode("utf-8")[: 10 * 2**20].decode("utf-8", "ignore")
            path = Path(tmp) / ("big.txt" if which == "file" else "big.jsonl")
            if which == "file":
                path.write_text(data, encoding="utf-8")
            else:
                path.write_text(json.dumps({"id": "big", "text": data}, ensure_ascii=False) + "\n", encoding="utf-8")
        size = path.stat().st_size
        del text
        before = _maxrss_mb()
        out = Path(tmp) / "out.jsonl"
        t0 = time.perf_counter()
        summary = run([str(path)], str(out), jobs=1, progress=False, log=lambda _: None)
        seconds = time.perf_counter() - t0
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {"input": which, "bytes": size, "lines_out": len(rows),
            "error": rows[0].get("error", {}).get("code") if rows else None,
            "officials": len(rows[0].get("officials", [])) if rows else None,
            "seconds": round(seconds, 1), "errors": dict(summary.errors),
            "rss_mb_before_run": before, "peak_rss_mb": _maxrss_mb()}


def archive_part(n: int, jobs: int) -> dict:
    import psutil

    from welfare_nlp.batch.runner import run

    rng = random.Random(7)
    texts = _news(2000)
    me = psutil.Process()
    peaks: dict[str, float] = {}

    def sample() -> None:
        procs = {"parent": me}
        for k, c in enumerate(w for c in me.children() for w in [c, *c.children()]):
            procs[f"child{c.pid}"] = c
        for name, p in procs.items():
            try:
                peaks[name] = max(peaks.get(name, 0), p.memory_info().rss / 2**20)
            except psutil.Error:
                pass

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "archive.jsonl.gz"
        with gzip.open(src, "wt", encoding="utf-8") as fh:
            for i in range(n):
                t = texts[i % len(texts)]
                start = rng.randrange(max(1, len(t) - 100))
                fh.write(json.dumps({"id": f"s{i}", "text": t[start:start + rng.randrange(100, 700)]},
                                    ensure_ascii=False) + "\n")
        count = [0]

        def on_outcome(_out) -> None:
            count[0] += 1
            if count[0] % 1000 == 1:
                sample()

        out = Path(tmp) / "out.jsonl.gz"
        t0 = time.perf_counter()
        summary = run([str(src)], str(out), jobs=jobs, progress=False, log=lambda _: None, on_outcome=on_outcome)
        seconds = time.perf_counter() - t0
        with gzip.open(out, "rt", encoding="utf-8") as fh:
            lines = sum(1 for _ in fh)
        src_mb = round(src.stat().st_size / 2**20, 1)
    workers = {k: round(v, 1) for k, v in peaks.items() if k != "parent"}
    return {"documents": n, "jobs": jobs, "input_mb_gz": src_mb, "lines_out": lines, "lost": n - lines,
            "errors": dict(summary.errors), "seconds": round(seconds, 1),
            "documents_per_s": round(n / seconds, 1), "peak_rss_mb_parent": round(peaks.get("parent", 0), 1),
            "peak_rss_mb_workers": sorted(workers.values(), reverse=True)[:jobs + 2]}


def _sub(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if out.returncode != 0:
        return {"error": out.stderr.strip()[-800:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", default="all", choices=["all", "big", "archive", "big-file", "big-jsonl", "big-limit"])
    ap.add_argument("--docs", type=int, default=200_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default=str(ROOT / "build" / "robustness.json"))
    args = ap.parse_args()
    if args.part.startswith("big-"):
        print(json.dumps(big_part(args.part[4:])))
        return
    res: dict = {"cpus": os.cpu_count()}
    if args.part in ("all", "big"):
        res["big"] = [_sub(["--part", f"big-{w}"]) for w in ("file", "jsonl", "limit")]
    if args.part in ("all", "archive"):
        res["archive"] = archive_part(args.docs, args.jobs)
    text = json.dumps(res, ensure_ascii=False, indent=1)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

"""Single-process speed of the full welfare_nlp pipeline on real news text.

    python benchmarks/extract_speed.py [--docs 1000] [--file ../shared/data/news/iranian_news_2020.jsonl.gz]

Prints documents/s, characters/s and the time to load the pipeline. Speed targets are checked here,
never in tests.
"""
from __future__ import annotations

import argparse
import gzip
import itertools
import json
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "data" / "news" / "iranian_news_2020.jsonl.gz"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", default=str(DEFAULT))
    ap.add_argument("--docs", type=int, default=1000)
    args = ap.parse_args()
    with gzip.open(args.file, "rt", encoding="utf-8") as fh:
        docs = [json.loads(l) for l in itertools.islice(fh, args.docs)]
    t0 = time.perf_counter()
    import welfare_nlp
    from welfare_nlp.pipeline import default_nlp, extract

    nlp = default_nlp()
    extract("استان کرمان ۲۵۰۰ نفر", nlp=nlp)  # lexicons load on first use
    t_load = time.perf_counter() - t0
    chars = sum(len(d["text"]) for d in docs)
    t0 = time.perf_counter()
    items = 0
    for d in docs:
        rec = extract(d["text"], id=str(d["id"]), nlp=nlp)
        items += len(rec.amounts) + len(rec.head_counts) + len(rec.officials) + len(rec.dates)
    dt = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "file": Path(args.file).name, "documents": len(docs), "characters": chars,
        "load_s": round(t_load, 2), "seconds": round(dt, 2),
        "documents_per_s": round(len(docs) / dt, 1), "chars_per_s": round(chars / dt),
        "items": items, "peak_rss_mb": round(rss), "version": welfare_nlp.__version__,
    }))


if __name__ == "__main__":
    main()

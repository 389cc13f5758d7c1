"""A one-line text against the same text in lines (issue 17): time, peak memory and record size.

    python3 benchmarks/one_line.py [--repeat 4] [--out one_line.json]

The 33 articles of ``../shared/dev/dev2.jsonl`` are joined once with blank lines between paragraphs
and once as one line (every line break a space), repeated ``--repeat`` times (4: about 320,000
characters), and each text is extracted in a fresh process (``max_chars=None``). Targets: the
one-line text takes at most twice the time of the text in lines (plus one second), and its record is
at most ten characters of JSON per character of text. Prints one JSON object; exit status 1 when a
target is missed. Speed targets are checked here, never in tests.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV2 = ROOT.parent / "shared" / "dev" / "dev2.jsonl"

CHILD = r"""
import json, resource, sys, time
from welfare_nlp.pipeline import extract, load
text = open(sys.argv[1], encoding="utf-8").read()
nlp = load()
extract(text[:2000], nlp=nlp)
t0 = time.perf_counter()
size = len(extract(text, nlp=nlp, max_chars=None).to_json())
print(json.dumps({"seconds": round(time.perf_counter() - t0, 2), "record_chars": size,
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=4)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    texts = [json.loads(line)["text"] for line in DEV2.open(encoding="utf-8")]
    lines = "\n\n".join(texts)
    forms = {"lines": "\n\n".join([lines] * args.repeat),
             "one_line": " ".join([lines] * args.repeat).replace("\n", " ")}
    result: dict = {"repeat": args.repeat}
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in forms.items():
            path = Path(tmp) / f"{name}.txt"
            path.write_text(text, encoding="utf-8")
            out = subprocess.run([sys.executable, "-c", CHILD, str(path)], check=True,
                                 capture_output=True, text=True).stdout
            result[name] = {"chars": len(text), **json.loads(out.strip().splitlines()[-1])}
    one, many = result["one_line"], result["lines"]
    result["time_ratio"] = round(one["seconds"] / many["seconds"], 2)
    result["ok"] = (one["seconds"] <= 2 * many["seconds"] + 1
                    and one["record_chars"] <= 10 * one["chars"] and many["record_chars"] <= 10 * many["chars"])
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

"""``welfare-nlp``: thin command line over the library; the exit code says whether any document failed.

    welfare-nlp extract PATH... [-o OUT.jsonl]   one JSON line per document (a record or an error)
    welfare-nlp schema                           the JSON Schema of a record
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter


def _extract(args) -> int:
    from .errors import DocumentTooLarge, ExtractionFailed, WelfareNLPError
    from .inputs import read_inputs
    from .pipeline import default_nlp, extract
    from .record import ErrorInfo, ErrorRecord

    nlp = default_nlp()
    out = open(args.output, "w", encoding="utf-8") if args.output and args.output != "-" else sys.stdout
    errors: Counter = Counter()
    n = 0
    t0 = time.perf_counter()
    try:
        for doc in read_inputs(args.paths):
            n += 1
            err = doc.error
            line = None
            if err is None:
                try:
                    if len(doc.text) > args.max_chars:
                        raise DocumentTooLarge(str(len(doc.text)), doc_id=doc.id)
                    line = extract(doc.text, id=doc.id, published=doc.published, nlp=nlp).to_json()
                except WelfareNLPError as exc:
                    err = exc
                except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
                    err = ExtractionFailed(f"{type(exc).__name__}: {exc}", doc_id=doc.id)
            if err is not None:
                errors[err.code] += 1
                line = ErrorRecord(id=doc.id, error=ErrorInfo(code=err.code, message=err.message)).to_json()
                print(f"welfare-nlp: {err.message} [{err.code}]", file=sys.stderr)
            out.write(line + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    dt = time.perf_counter() - t0
    if not args.quiet:
        summary = ", ".join(f"{c}: {k}" for c, k in sorted(errors.items())) or "none"
        print(f"welfare-nlp: {n} documents, {n - sum(errors.values())} records, errors {summary}, "
              f"{dt:.1f} s ({n / dt if dt else 0:.1f} documents/s)", file=sys.stderr)
    return 1 if errors else 0


def _schema(args) -> int:
    from .record import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    ap = argparse.ArgumentParser(prog="welfare-nlp", description="Persian welfare press releases to records")
    ap.add_argument("--version", action="version", version=f"welfare-nlp {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract records from .txt files, directories or .jsonl(.gz)")
    ex.add_argument("paths", nargs="+", metavar="PATH")
    ex.add_argument("-o", "--output", default="-", help="output .jsonl (default: standard output)")
    ex.add_argument("--max-chars", type=int, default=2_000_000, help="longest document accepted (characters)")
    ex.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    ex.set_defaults(func=_extract)
    sc = sub.add_parser("schema", help="print the JSON Schema of a record")
    sc.set_defaults(func=_schema)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

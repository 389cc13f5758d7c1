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


def _evaluate_ner(args) -> int:
    from .ner import get_model
    from .ner_eval import evaluate, format_report

    labels = set(args.labels.split(",")) if args.labels else None
    rep = evaluate(args.file, get_model(args.model), labels)
    print(json.dumps(rep, ensure_ascii=False) if args.json else format_report(rep))
    return 0


def _train_ner(args) -> int:
    from pathlib import Path

    from .ner_train import finish, train, train_vectors

    data, work, out = Path(args.data), Path(args.work), Path(args.out)
    vectors = None
    if not args.no_vectors:
        vectors = work / "vectors"
        if not (vectors / "config.cfg").exists() and not (vectors / "vocab").exists():
            vectors = train_vectors(data, work, dim=args.vectors_dim, bucket=args.vectors_bucket)
    best = train(data, work / "runs" / args.variant, work, variant=args.variant, vectors=vectors,
                 max_steps=args.max_steps, width=args.width, seed=args.seed)
    finish(best, out, data, argv=sys.argv)
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
    ev = sub.add_parser("evaluate-ner", help="entity-level P/R/F1 per label of the NER model on a CoNLL file")
    ev.add_argument("file", metavar="FILE.conll")
    ev.add_argument("--model", default=None, help="model directory (default: the shipped models/ner)")
    ev.add_argument("--labels", default=None, help="comma-separated labels to evaluate (default: the file's)")
    ev.add_argument("--json", action="store_true")
    ev.set_defaults(func=_evaluate_ner)
    tr = sub.add_parser("train-ner", help="train the NER model (floret vectors + spaCy NER) and write it with its card")
    tr.add_argument("--data", default="../shared/data", help="folder with ner/ and news/")
    tr.add_argument("--out", default="models/ner")
    tr.add_argument("--work", default="build/ner", help="scratch folder (corpora, vectors, training runs)")
    tr.add_argument("--variant", default="combined", choices=["peyma", "combined"])
    tr.add_argument("--max-steps", type=int, default=12000)
    tr.add_argument("--width", type=int, default=128)
    tr.add_argument("--vectors-dim", type=int, default=100)
    tr.add_argument("--vectors-bucket", type=int, default=50000)
    tr.add_argument("--no-vectors", action="store_true")
    tr.add_argument("--seed", type=int, default=0)
    tr.set_defaults(func=_train_ner)
    sc = sub.add_parser("schema", help="print the JSON Schema of a record")
    sc.set_defaults(func=_schema)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

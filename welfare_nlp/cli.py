"""``welfare-nlp``: thin command line over the library; the exit code says whether any document failed.

    welfare-nlp extract PATH... [-o OUT.jsonl[.gz]] [-j N] [--resume] [--format jsonl|csv|parquet]
                                                 one JSON line (or table row) per document: a record or an error
    welfare-nlp schema                           the JSON Schema of a record
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from welfare_nlp.about import __version__
from welfare_nlp.batch import distributed, runner
from welfare_nlp.errors import WelfareNLPError
from welfare_nlp.extractors.topic import keep
from welfare_nlp.ner.component import get_model
from welfare_nlp.record import json_schema
from welfare_nlp.settings import FORMATS, MAX_BYTES, MAX_CHARS, MAX_EXPANSION, BatchOptions, Fields, OptionError
from welfare_nlp.training import ner as ner_training
from welfare_nlp.training import topic as topic_training
from welfare_nlp.training.evaluate import evaluate, format_report


def batch_options(args) -> BatchOptions:
    """The settings of ``welfare-nlp extract``'s parsed ``args`` as one ``BatchOptions`` (``OptionError``)."""
    return BatchOptions(jobs=args.jobs, fmt=args.format or "jsonl", gz=True if args.gzip else None,
                        resume=args.resume, fields=Fields(id=args.id_field, text=args.text_field, date=args.date_field),
                        max_chars=args.max_chars, max_bytes=args.max_bytes, max_expansion=args.max_expansion,
                        progress=False if args.quiet else None, topic=args.topic.split(",") if args.topic else None)


def _extract(args) -> int:
    if args.topic:
        try:
            keep({}, args.topic.split(","))  # checks the names
        except ValueError as exc:
            print(f"welfare-nlp: --topic: {exc}", file=sys.stderr)
            return 2
    try:
        options = batch_options(args)
    except OptionError as exc:
        flag = {"fmt": "--format"}.get(exc.option, "--" + exc.option.replace("_", "-"))  # max_chars: --max-chars
        problem = f"must be at least {exc.least:,}, not {exc.value}" if exc.least is not None else exc.problem
        print(f"welfare-nlp: {flag} {problem}", file=sys.stderr)
        return 2
    run = distributed.run if args.scheduler else runner.run
    try:
        summary = run(args.paths, args.output, options, **({"scheduler": args.scheduler} if args.scheduler else {}))
    except WelfareNLPError as exc:
        print(f"welfare-nlp: {exc.message} [{exc.code}]", file=sys.stderr)
        return 2
    except ValueError as exc:  # an output that cannot be written as asked (a file where a directory goes)
        print(f"welfare-nlp: {exc}", file=sys.stderr)
        return 2
    if not args.quiet or summary.interrupted:
        print(f"welfare-nlp: {summary.line()}", file=sys.stderr)
    if summary.interrupted:
        where = "standard output" if args.output == "-" else args.output
        written = summary.documents - summary.filtered
        again = "" if args.output == "-" else "; run the same command with --resume to continue where it stopped"
        print(f"welfare-nlp: interrupted: {written:,} {'document' if written == 1 else 'documents'} written to "
              f"{where}{again}", file=sys.stderr)
        return 130
    return 1 if summary.failed else 0


# output suffix -> format
SUFFIXES = ((".jsonl.gz", "jsonl"), (".jsonl", "jsonl"), (".json.gz", "jsonl"), (".csv", "csv"),
            (".parquet", "parquet"))


def output_format(output: str, fmt: str | None) -> tuple[str, str | None]:
    """``(format, problem)``: the format of ``--format``, else the one the output's suffix names, else
    jsonl; ``problem`` says why an output whose suffix names another format than ``--format`` is refused."""
    implied = next((f for suffix, f in SUFFIXES if output.lower().endswith(suffix)), None) if output != "-" else None
    if fmt is None:
        return implied or "jsonl", None
    if implied is not None and implied != fmt:
        return fmt, (f"-o {output} names {implied} output, but --format is {fmt}: drop --format, or give an output "
                     f"that fits it ({'a directory' if fmt in ('csv', 'parquet') else 'OUT.jsonl or OUT.jsonl.gz'})")
    return fmt, None


def _schema(args) -> int:
    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


def _evaluate_ner(args) -> int:
    labels = set(args.labels.split(",")) if args.labels else None
    rep = evaluate(args.file, get_model(args.model), labels, scheme=args.scheme)
    print(json.dumps(rep, ensure_ascii=False) if args.json else format_report(rep))
    return 0


def _oversample(items: list[str]) -> dict[str, int]:
    out = {}
    for item in items:
        head, _, n = item.partition("=")
        if not n.isdigit() or int(n) < 1:
            raise SystemExit(f"welfare-nlp train-ner: --oversample {item!r}: expected HEAD=N with N >= 1 "
                             "(for example arman=2)")
        out[head] = int(n)
    return out


def _train_ner(args) -> int:
    data, work, out = Path(args.data), Path(args.work), Path(args.out)
    vectors = None
    if not args.no_vectors:
        vectors = work / "vectors"
        if not (vectors / "config.cfg").exists() and not (vectors / "vocab").exists():
            vectors = ner_training.train_vectors(data, work, dim=args.vectors_dim, bucket=args.vectors_bucket)
    oversample = _oversample(args.oversample)
    best = ner_training.train_tagger_model(
        data, work, vectors, variant=args.variant, epochs=args.epochs, hidden=args.lstm_hidden, seed=args.seed,
        average_from=args.average_from, pretrain_steps=args.pretrain_steps, cross=args.cross_heads,
        oversample=oversample, lm_weight=args.lm_weight, head_hidden=args.head_hidden, specialise=args.specialise,
        specialise_epochs=args.specialise_epochs, separate_600k=args.separate_600k, open_600k_org=args.open_600k_org,
        contested=args.open_contested, threads=args.threads)
    options = {k: v for k, v in vars(args).items() if k not in ("func", "command")}
    ner_training.finish(best, out, data, argv=sys.argv, options=dict(options, oversample=oversample))
    return 0


def _train_topic(args) -> int:
    command = (f"welfare-nlp train-topic --data {args.data} --out {args.out} --seed {args.seed} "
               f"--test-size {args.test_size} --C {args.C:g} --cv {args.cv} --buckets {args.buckets}")
    report = topic_training.train(args.data, args.out, seed=args.seed, test_size=args.test_size, C=args.C, cv=args.cv,
                                  config={"buckets": args.buckets}, command=command)
    print(json.dumps({"coarse_macro_f1": report["coarse"]["macro_f1"], "social_macro_f1": report["social"]["macro_f1"],
                      "coarse_cv": report.get("coarse_cv"), "documents": report["documents"], "out": args.out},
                     ensure_ascii=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="welfare-nlp", description="Persian welfare press releases to records")
    ap.add_argument("--version", action="version", version=f"welfare-nlp {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract records from files, directories and archives",
                        description="PATH: .txt or .html file, directory (recursive: .txt, .html, .warc(.gz); other "
                                    "files are skipped and named in the summary), .jsonl(.gz), .csv(.gz), .warc(.gz), "
                                    "or - for standard input (JSON Lines, or one text document)")
    ex.add_argument("paths", nargs="+", metavar="PATH", help="files, directories, archives; - for standard input")
    ex.add_argument("-o", "--output", default="-",
                    help="output .jsonl or .jsonl.gz (default, or -: standard output); a directory for csv/parquet "
                         "tables (an output ending in .csv or .parquet is that format)")
    ex.add_argument("--format", choices=list(FORMATS), default=None,
                    help="jsonl (default), or csv/parquet tables: documents, officials, amounts, head_counts "
                         "(default: the output's suffix, else jsonl; a suffix naming another format is refused)")
    ex.add_argument("--gzip", action="store_true", help="gzip the JSON Lines (implied by an output ending in .gz)")
    ex.add_argument("-j", "--jobs", type=int, default=1, help="worker processes (default 1)")
    ex.add_argument("--resume", action="store_true", help="keep the output, skip the ids already in it")
    ex.add_argument("--id-field", default="id", help="id field of .jsonl objects and CSV columns (default id)")
    ex.add_argument("--text-field", default="text", help="text field (default text)")
    ex.add_argument("--date-field", default=None, help="publication date field (default published, else date)")
    ex.add_argument("--max-chars", type=int, default=MAX_CHARS,
                    help="longest document accepted (characters, default 500,000); longer ones get an E003 line")
    ex.add_argument("--max-bytes", type=int, default=MAX_BYTES,
                    help="largest file, input line or archive record read (bytes, default 67,108,864 = 64 MiB); "
                         "larger ones get an E003 line")
    ex.add_argument("--max-expansion", type=int, default=MAX_EXPANSION,
                    help="a .gz input may expand to at most this many times its size (default 200)")
    ex.add_argument("--scheduler", default=None, metavar="ADDRESS",
                    help="run on a Dask cluster (tcp://host:8786) instead of local processes")
    ex.add_argument("--topic", default=None, metavar="TOPIC[,TOPIC]",
                    help="keep only records on these coarse topics (e.g. social); others are counted, not written")
    ex.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary line")
    ex.set_defaults(func=_extract)
    ev = sub.add_parser("evaluate-ner", help="entity-level P/R/F1 per label of the NER model on a CoNLL file")
    ev.add_argument("file", metavar="FILE.conll", help="CoNLL file: a token and its BIO tag per line")
    ev.add_argument("--model", default=None, help="model directory (default: the shipped models/ner)")
    ev.add_argument("--labels", default=None, help="comma-separated labels to evaluate (default: the file's)")
    ev.add_argument("--scheme", default="auto",
                    help="annotation scheme (head) of the model to use: auto (the one whose labels cover most of "
                         "the file's labels; ties go to the model's default), or a name such as peyma, arman, parsner")
    ev.add_argument("--json", action="store_true", help="the report as one JSON object")
    ev.set_defaults(func=_evaluate_ner)
    tr = sub.add_parser("train-ner", help="train the NER model (floret vectors + BiLSTM-CRF tagger as a spaCy "
                                         "component) and write it with its card")
    tr.add_argument("--data", default="../shared/data", help="folder with ner/ and news/")
    tr.add_argument("--out", default="models/ner",
                    help="model directory to write, with its card and scores (default models/ner: replaces the "
                         "shipped model)")
    tr.add_argument("--work", default="build/ner", help="scratch folder (corpora, vectors, training runs)")
    tr.add_argument("--variant", default="combined", choices=["peyma", "combined"],
                    help="training corpora: peyma (PEYMA alone) or combined (PEYMA, ARMAN and ParsNER; default)")
    tr.add_argument("--epochs", type=int, default=10, help="passes over the training data")
    tr.add_argument("--lstm-hidden", type=int, default=128, help="LSTM width per direction")
    tr.add_argument("--average-from", type=int, default=5,
                    help="keep the average of the weights after each epoch from this one on (0: the last)")
    tr.add_argument("--pretrain-steps", type=int, default=5000,
                    help="batches of raw news (64 sentences each) that first train the encoder as a "
                         "language model (0: none)")
    tr.add_argument("--cross-heads", action="store_true",
                    help="every sentence also trains the other corpora's heads on partial labels "
                         "(welfare_nlp.training.ner.CROSS: which labels each corpus's spans may carry there)")
    tr.add_argument("--oversample", action="append", default=[], metavar="HEAD=N",
                    help="see the sentences of a head's corpora N times per epoch (repeatable)")
    tr.add_argument("--lm-weight", type=float, default=0.0,
                    help="keep training the pretraining's language models alongside the tags, their "
                         "loss weighted by this (0: no)")
    tr.add_argument("--head-hidden", type=int, default=0,
                    help="each head gets a ReLU layer of this width of its own over the shared encoder "
                         "(0: linear heads)")
    tr.add_argument("--specialise", action="append", default=[], metavar="HEAD",
                    help="after training, give this head a BiLSTM of its own, a copy of the shared one "
                         "trained further on the head's corpora alone (repeatable; the other heads and their "
                         "cost are unchanged)")
    tr.add_argument("--specialise-epochs", type=int, default=3, help="passes of --specialise")
    tr.add_argument("--separate-600k", action="store_true",
                    help="PEYMA's 600K part trains a head of its own (peyma_600k) instead of the peyma head "
                         "(its conventions differ; measured, off)")
    tr.add_argument("--open-600k-org", action="store_true",
                    help="PEYMA's 600K part still trains the peyma head, but whether its tokens are ORG or O "
                         "is left open (partial labels): its ORG conventions differ from PEYMA's")
    tr.add_argument("--open-contested", action="store_true",
                    help="with --specialise arman: there, ARMAN's LOC spans of names it also annotates ORG "
                         "(countries) may be ORG; its annotators moved from LOC to ORG for states over the corpus")
    tr.add_argument("--threads", type=int, default=2,
                    help="torch threads for the tagging epochs and --specialise (results repeat bit for "
                         "bit for a given number)")
    tr.add_argument("--vectors-dim", type=int, default=100, help="floret vector width (default 100)")
    tr.add_argument("--vectors-bucket", type=int, default=50000, help="floret hash buckets (default 50,000)")
    tr.add_argument("--no-vectors", action="store_true", help="train without floret vectors")
    tr.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    tr.set_defaults(func=_train_ner)
    tt = sub.add_parser("train-topic", help="train the topic model (coarse topics, social vs rest) and write it with "
                                            "its card")
    tt.add_argument("--data", default="../shared/data", help="folder with news/farsnews_*.jsonl.gz")
    tt.add_argument("--out", default="models/topic",
                    help="model directory to write, with its card and metrics (default models/topic: replaces the "
                         "shipped model)")
    tt.add_argument("--seed", type=int, default=0, help="random seed of the split and the training (default 0)")
    tt.add_argument("--test-size", type=float, default=0.2, help="held-out share, stratified (default 0.2)")
    tt.add_argument("--C", type=float, default=10.0, help="inverse regularisation of the logistic regressions")
    tt.add_argument("--cv", type=int, default=5, help="folds of the extra cross-validation (0: none)")
    tt.add_argument("--buckets", type=int, default=2 ** 18, help="hashed feature space")
    tt.set_defaults(func=_train_topic)
    sc = sub.add_parser("schema", help="print the JSON Schema of a record")
    sc.set_defaults(func=_schema)
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    if args.command == "extract":
        if args.jobs < 1:
            ap.error("--jobs must be at least 1")
        if args.resume and args.output == "-":
            ap.error("--resume needs an output file: -o OUT")
        args.format, problem = output_format(args.output, args.format)
        if problem:
            ap.error(problem)
        if args.format in ("csv", "parquet") and args.output == "-":
            ap.error(f"--format {args.format} writes tables into a directory: -o DIR")
        if args.paths.count("-") > 1:
            ap.error("standard input (-) can be read once")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

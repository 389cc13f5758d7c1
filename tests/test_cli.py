import gzip
import json
import subprocess
import sys

import jsonschema
import pytest

from welfare_nlp.cli import main

pytestmark = pytest.mark.integration

DOC_A = "عباس صادق زاده مدیر کل بهزیستی استان کرمان گفت: ۳۵ نفر تسهیلگر فعال شدند."
DOC_B = "۱۲ دیماه ۳۶۰ میلیارد تومان به ۲۵۰۰نفر پرداخت شد."


def _read(path):
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines()]


def test_extract_directory(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(DOC_A, encoding="utf-8")
    (d / "b.txt").write_text(DOC_B, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(d), "-o", str(out), "-q"]) == 0
    recs = _read(out)
    assert [r["id"] for r in recs] == ["a", "b"]
    assert recs[0]["officials"][0]["name"] == "عباس صادق زاده"
    assert recs[1]["amounts"][0]["value"] == 360e9


def test_extract_jsonl_gz_with_errors(tmp_path):
    src = tmp_path / "in.jsonl.gz"
    with gzip.open(src, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "n1", "text": DOC_A, "published": "2019-01-05"}, ensure_ascii=False) + "\n")
        fh.write("{not json\n")
        fh.write(json.dumps({"id": "n3", "text": "   "}) + "\n")
        fh.write(json.dumps({"id": "n4", "text": DOC_B, "published": "2019-01-05"}, ensure_ascii=False) + "\n")
        fh.write(json.dumps({"id": "n5"}) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(src), "-o", str(out), "-q"]) == 1  # some documents failed
    recs = _read(out)
    assert [r["id"] for r in recs] == ["n1", "in.jsonl.gz:2", "n3", "n4", "n5"]
    assert [r.get("error", {}).get("code") for r in recs] == [None, "E005", "E001", None, "E005"]
    assert recs[3]["dates"][0]["iso"] == "2019-01-02"
    assert "n3" in recs[2]["error"]["message"]


def test_txt_file_and_missing_path(tmp_path):
    f = tmp_path / "one.txt"
    f.write_text(DOC_B, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["extract", str(f), str(tmp_path / "missing.txt"), "-o", str(out), "-q"]) == 1
    recs = _read(out)
    assert recs[0]["id"] == "one" and recs[1]["error"]["code"] == "E007"


def test_binary_file_is_an_error_line(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    (d / "ok.txt").write_text(DOC_B, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["extract", str(d), "-o", str(out), "-q"]) == 1
    assert [r.get("error", {}).get("code") for r in _read(out)] == ["E004", None]


def test_schema_command_prints_a_valid_schema():
    out = subprocess.run([sys.executable, "-m", "welfare_nlp", "schema"], capture_output=True, text=True, check=True)
    schema = json.loads(out.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert "officials" in schema["properties"]


def test_console_summary_on_stderr(tmp_path):
    f = tmp_path / "one.txt"
    f.write_text(DOC_B, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "welfare_nlp", "extract", str(f)], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["id"] == "one"
    assert "1 document, 1 record," in out.stderr and "1 documents," not in out.stderr


def test_train_ner_options_parse():
    from welfare_nlp.cli import _oversample, build_parser

    args = build_parser().parse_args(["train-ner", "--separate-600k", "--specialise", "arman", "--oversample", "peyma=2"])
    assert args.separate_600k and args.specialise == ["arman"] and _oversample(args.oversample) == {"peyma": 2}
    plain = build_parser().parse_args(["train-ner"])
    assert not plain.separate_600k and plain.specialise == [] and plain.specialise_epochs == 3
    assert not plain.open_600k_org and not plain.open_contested and plain.threads == 2
    opened = build_parser().parse_args(["train-ner", "--open-600k-org", "--open-contested", "--threads", "1"])
    assert opened.open_600k_org and opened.open_contested and opened.threads == 1
    # the previous CNN model's options are gone
    for gone in (["--arch", "cnn"], ["--max-steps", "10"], ["--width", "64"], ["--depth", "2"], ["--hidden", "64"]):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["train-ner", *gone])


# ---------------------------------------------------------------- like its neighbours (issue 18)
def test_the_output_suffix_sets_the_format_and_a_mismatch_is_refused(tmp_path, capsys):
    import pytest

    f = tmp_path / "one.txt"
    f.write_text(DOC_B, encoding="utf-8")
    assert main(["extract", str(f), "-o", str(tmp_path / "out.csv"), "-q"]) == 0
    assert "\none," in (tmp_path / "out.csv" / "documents.csv").read_text(encoding="utf-8")
    assert main(["extract", str(f), "-o", str(tmp_path / "out.parquet"), "-q"]) == 0
    assert list((tmp_path / "out.parquet" / "documents").glob("part-*.parquet"))
    assert main(["extract", str(f), "-o", str(tmp_path / "out.jsonl.gz"), "-q"]) == 0
    assert json.loads(gzip.decompress((tmp_path / "out.jsonl.gz").read_bytes()))["id"] == "one"
    for fmt, out in (("jsonl", "x.csv"), ("csv", "x.jsonl"), ("parquet", "x.csv")):
        with pytest.raises(SystemExit) as exc:
            main(["extract", str(f), "-o", str(tmp_path / out), "--format", fmt])
        assert exc.value.code == 2 and "--format" in capsys.readouterr().err
        assert not (tmp_path / out).exists()


def test_dash_reads_standard_input_and_writes_standard_output(tmp_path, monkeypatch, capsys):
    import io

    lines = "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in (("a", DOC_A), ("b", DOC_B)))
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(lines.encode("utf-8")), encoding="utf-8"))
    out = tmp_path / "o.jsonl"
    assert main(["extract", "-", "-o", str(out), "-q"]) == 0
    assert [r["id"] for r in _read(out)] == ["a", "b"]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(DOC_B.encode("utf-8")), encoding="utf-8"))
    assert main(["extract", "-", "-o", "-", "-q"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["id"] == "stdin" and rec["amounts"][0]["value"] == 360e9


def test_a_directory_names_the_files_it_does_not_read(tmp_path, capsys):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_text(DOC_B, encoding="utf-8")
    (d / "b.docx").write_bytes(b"PK\x03\x04")
    (d / "sub" / "c.text").write_text(DOC_B, encoding="utf-8")
    (d / "sub" / "d.csv").write_text("id,text\nx,y\n", encoding="utf-8")
    assert main(["extract", str(d), "-o", str(tmp_path / "o.jsonl")]) == 0
    err = capsys.readouterr().err
    assert "3 files of kinds that are not read skipped" in err
    assert all(name in err for name in ("b.docx", "c.text", "d.csv"))


def test_summary_plurals_and_the_rate_of_a_slow_document():
    from collections import Counter

    from welfare_nlp.batch.runner import Summary

    one = Summary(documents=1, seconds=12.5)
    assert one.line().startswith("1 document, 1 record, errors none") and "12.5 s/document" in one.line()
    assert "0.0 documents/s" not in one.line()
    many = Summary(documents=1200, errors=Counter({"E001": 1}), seconds=10.0)
    assert many.line().startswith("1,200 documents, 1,199 records, errors E001: 1") and "120.0 documents/s" in many.line()


def test_every_option_has_help_and_max_bytes_its_default():
    import argparse

    from welfare_nlp.cli import build_parser

    ap = build_parser()
    sub = next(a for a in ap._actions if isinstance(a, argparse._SubParsersAction))
    missing = [(name, x.dest) for name, sp in sub.choices.items() for x in sp._actions
               if not x.help and not isinstance(x, argparse._HelpAction)]
    assert missing == []
    helps = {name: {x.dest: x.help for x in sp._actions} for name, sp in sub.choices.items()}
    assert "default" in helps["extract"]["max_bytes"] and "67,108,864" in helps["extract"]["max_bytes"]
    assert "models/ner" in helps["train-ner"]["out"] and "models/topic" in helps["train-topic"]["out"]


def test_a_resumed_progress_bar_knows_its_total(tmp_path):
    from welfare_nlp.batch.runner import progress_bar
    from welfare_nlp.batch.readers import Fields

    d = tmp_path / "in"
    d.mkdir()
    for name in "abc":
        (d / f"{name}.txt").write_text(DOC_B, encoding="utf-8")
    bar = progress_bar(True, [str(d)], Fields(), done={"a"})
    bar.counter.join(timeout=60)
    assert bar.total == 2   # the documents still to do: the time left follows
    bar.close()


def test_ctrl_c_with_two_jobs_stops_cleanly_and_says_how_to_resume(tmp_path):
    import os
    import signal
    import time

    src = tmp_path / "in.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for i in range(3000):
            fh.write(json.dumps({"id": f"d{i}", "text": DOC_A if i % 2 else DOC_B}, ensure_ascii=False) + "\n")
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "welfare_nlp", "extract", str(src), "-o", str(out), "-j", "2"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 600
    while proc.poll() is None and time.monotonic() < deadline:
        if out.exists() and out.stat().st_size > 0:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)   # as a terminal's Ctrl-C: to every process of the group
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    written = len(_read(out))
    assert 0 < written < 3000
    assert f"interrupted: {written:,} documents written to {out}" in err and "--resume" in err
    assert len({r["id"] for r in _read(out)}) == written   # whole lines only: --resume continues from them


def test_a_jsonl_title_goes_into_the_record(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "t1", "title": "خبر بهزیستی", "text": DOC_B}, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["extract", str(src), "-o", str(out), "-q"]) == 0
    assert _read(out)[0]["title"] == "خبر بهزیستی"

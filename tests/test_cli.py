import gzip
import json
import subprocess
import sys

import jsonschema

from welfare_nlp.cli import main

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
    assert "1 documents, 1 records" in out.stderr


def test_train_ner_options_parse():
    from welfare_nlp.cli import _oversample, build_parser

    args = build_parser().parse_args(["train-ner", "--separate-600k", "--specialise", "arman", "--oversample", "peyma=2"])
    assert args.separate_600k and args.specialise == ["arman"] and _oversample(args.oversample) == {"peyma": 2}
    plain = build_parser().parse_args(["train-ner"])
    assert not plain.separate_600k and plain.specialise == [] and plain.specialise_epochs == 3
    assert not plain.open_600k_org and not plain.open_contested and plain.threads == 2
    opened = build_parser().parse_args(["train-ner", "--open-600k-org", "--open-contested", "--threads", "1"])
    assert opened.open_600k_org and opened.open_contested and opened.threads == 1

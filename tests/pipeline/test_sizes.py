"""Oversize input: the policy is refusal with an E003 error line (never a crash, never a cut document),
and the documents around it are processed. The memory of the 10 MB and 200,000-document runs is
measured by benchmarks/robustness.py, not here."""
import json

import pytest

from welfare_nlp.batch.runner import run
from welfare_nlp.errors import DocumentTooLarge
from welfare_nlp.pipeline import MAX_CHARS, extract

pytestmark = pytest.mark.integration

SMALL = "استاندار یزد محمد میرمحمدی گفت: ۲۰۰ نفر در این طرح شرکت کردند."


def test_a_ten_megabyte_document_gets_an_error_line_and_the_others_are_processed(tmp_path, nlp):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(SMALL, encoding="utf-8")
    unit = (SMALL + "\n").encode("utf-8")
    (docs / "b_big.txt").write_bytes(unit * (10 * 2**20 // len(unit) + 1))
    (docs / "c.txt").write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = run([str(docs)], str(out), nlp=nlp, progress=False, log=lambda _: None)
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert list(rows) == ["a", "b_big", "c"] and summary.documents == 3
    assert rows["b_big"]["error"]["code"] == "E003"
    assert f"{MAX_CHARS:,}" in rows["b_big"]["error"]["message"]
    assert rows["a"]["officials"] and rows["c"]["officials"]


def test_an_overlong_input_line_is_skipped_in_bounded_reads(tmp_path, nlp):
    src = tmp_path / "in.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "a", "text": SMALL}, ensure_ascii=False) + "\n")
        fh.write(json.dumps({"id": "long", "text": "کار " * 300_000}, ensure_ascii=False) + "\n")
        fh.write(json.dumps({"id": "b", "text": SMALL}, ensure_ascii=False) + "\n")
    out = tmp_path / "out.jsonl"
    run([str(src)], str(out), nlp=nlp, progress=False, log=lambda _: None, max_bytes=100_000)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "in.jsonl:2", "b"]
    assert rows[1]["error"]["code"] == "E003" and "100,000 bytes" in rows[1]["error"]["message"]


@pytest.mark.parametrize("limit,ok", [(None, True), (len(SMALL), True), (len(SMALL) - 1, False)])
def test_extract_refuses_text_over_its_limit(nlp, limit, ok):
    if ok:
        assert extract(SMALL, nlp=nlp, max_chars=limit).officials
    else:
        with pytest.raises(DocumentTooLarge) as err:
            extract(SMALL, nlp=nlp, max_chars=limit)
        assert err.value.code == "E003"


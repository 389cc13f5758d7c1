import csv
import json

import pytest

from welfare_nlp.batch.runner import run
from welfare_nlp.cli import main
from welfare_nlp.batch.tables import COLUMNS, CsvTables, ParquetTables, rows

DOC_A = "عباس صادق زاده مدیر کل بهزیستی استان کرمان گفت: ۳۶۰ میلیارد تومان به ۲۵۰۰ نفر پرداخت شد."
DOC_B = "در استان گیلان بیش از ۲۰ میلیون تومان به ۴۰ خانوار مددجو و ۱۲ نفر کارجو داده شد."


@pytest.fixture()
def src(tmp_path):
    f = tmp_path / "in.jsonl"
    with open(f, "w", encoding="utf-8") as fh:
        for doc_id, text in (("a", DOC_A), ("b", DOC_B), ("empty", " ")):
            fh.write(json.dumps({"id": doc_id, "text": text, "published": "2020-01-05"}, ensure_ascii=False) + "\n")
    return f


def _csv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.integration
def test_rows_of_a_record_and_of_an_error(extract):
    data = json.loads(extract(DOC_A, id="a").to_json())
    t = rows(data)
    assert [r["doc_id"] for r in t["documents"]] == ["a"] and t["documents"][0]["province_codes"] == "IR-08"
    assert t["officials"][0]["name"] == "عباس صادق زاده" and t["officials"][0]["doc_id"] == "a"
    assert [(r["value"], r["currency"]) for r in t["amounts"]] == [(360e9, "IRT")]
    assert [(r["value"], r["noun"]) for r in t["head_counts"]] == [(2500.0, "نفر")]
    for table, items in t.items():
        assert all(set(r) == {c for c, _ in COLUMNS[table]} for r in items)
    err = rows({"id": "x", "version": "0.1.0", "error": {"code": "E001", "message": "empty"}})
    assert err["documents"][0]["error_code"] == "E001" and not err["officials"]


@pytest.mark.integration
def test_csv_tables_from_the_command_line(src, tmp_path):
    out = tmp_path / "tables"
    assert main(["extract", str(src), "-o", str(out), "--format", "csv", "-q"]) == 1  # "empty" failed
    docs = _csv(out / "documents.csv")
    assert [(d["doc_id"], d["error_code"]) for d in docs] == [("a", ""), ("b", ""), ("empty", "E001")]
    assert docs[1]["provinces"] == "گیلان" and docs[0]["published"] == "2020-01-05"
    assert {(r["doc_id"], float(r["value"])) for r in _csv(out / "amounts.csv")} == {("a", 360e9), ("b", 20e6)}
    heads = {(r["doc_id"], float(r["value"]), r["unit"]) for r in _csv(out / "head_counts.csv")}
    assert ("b", 40.0, "household") in heads and ("a", 2500.0, "person") in heads
    assert [r["name"] for r in _csv(out / "officials.csv")] == ["عباس صادق زاده"]


@pytest.mark.integration
def test_parquet_tables_read_back_with_pandas(src, tmp_path):
    import pandas as pd

    out = tmp_path / "pq"
    run([str(src)], str(out), fmt="parquet", progress=False, log=lambda m: None)
    docs = pd.read_parquet(out / "documents")
    assert list(docs["doc_id"]) == ["a", "b", "empty"] and list(docs["error_code"].isna()) == [True, True, False]
    amounts = pd.read_parquet(out / "amounts")
    assert amounts["value"].dtype == "float64" and sorted(amounts["doc_id"]) == ["a", "b"]
    merged = amounts.merge(docs, on="doc_id")
    assert set(merged["provinces"]) == {"کرمان", "گیلان"}


def _payload(doc_id):
    return rows({"id": doc_id, "version": "0.1.0", "error": {"code": "E001", "message": "m"}}) | {
        "amounts": [{"doc_id": doc_id, "value": 1.0, "currency": "IRT", "start": 0, "end": 1, "text": "x",
                     "source": "rule:t", "score": 1.0}]}


def test_csv_resume_drops_the_rows_of_an_unfinished_document(tmp_path):
    w = CsvTables(str(tmp_path))
    for d in ("a", "b"):
        w.write(d, _payload(d))
    w.close()
    with open(tmp_path / "amounts.csv", "a", encoding="utf-8") as fh:
        fh.write('c,1.0,,IRT,,0,1,"x\n')  # c's item row, cut inside a quoted field; c has no documents row
    with open(tmp_path / "documents.csv", "a", encoding="utf-8") as fh:
        fh.write("d,0.1.")  # a documents row cut short
    w = CsvTables(str(tmp_path), resume=True)
    assert w.done == {"a", "b"} and w.earlier_errors == 2
    w.write("c", _payload("c"))
    w.close()
    assert [r["doc_id"] for r in _csv(tmp_path / "documents.csv")] == ["a", "b", "c"]
    assert [r["doc_id"] for r in _csv(tmp_path / "amounts.csv")] == ["a", "b", "c"]


def test_parquet_resume_removes_parts_without_their_documents_part(tmp_path):
    w = ParquetTables(str(tmp_path), batch=2)
    for d in ("a", "b", "c"):
        w.write(d, _payload(d))  # a and b are flushed as part 0; c is only buffered
    part = tmp_path / "amounts" / "part-000000.parquet"
    (tmp_path / "amounts" / "part-000001.parquet").write_bytes(part.read_bytes())  # killed before documents
    (tmp_path / "documents" / ".part-000001.parquet.tmp").write_bytes(b"PAR1")
    w = ParquetTables(str(tmp_path), resume=True, batch=2)
    assert w.done == {"a", "b"} and w.earlier_errors == 2
    assert sorted(p.name for p in (tmp_path / "amounts").iterdir()) == ["part-000000.parquet"]
    assert not list((tmp_path / "documents").glob(".*"))
    w.write("c", _payload("c"))
    w.close()
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "documents").column("doc_id").to_pylist() == ["a", "b", "c"]
    assert pq.read_table(tmp_path / "amounts").column("doc_id").to_pylist() == ["a", "b", "c"]


def test_tables_need_a_directory(src, tmp_path):
    with pytest.raises(SystemExit):
        main(["extract", str(src), "--format", "csv"])
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ValueError):
        CsvTables(str(f))


# ---------------------------------------------------------------- issue 18: keys, topics, repeated figures
REPEATED = ("۳۶۰ میلیارد تومان برای ۱۴ هزار و ۵۰۰ خانوار\n"
            "معاون وزیر گفت: ۳۶۰ میلیارد تومان تسهیلات به ۱۴ هزار و ۵۰۰ خانوار مددجو و ۱۴ هزار و ۵۰۰ نفر کارجو "
            "پرداخت می‌شود و ۲۰ میلیارد تومان دیگر برای آموزش است.")


@pytest.mark.integration
def test_every_table_is_keyed_by_doc_id_and_csv_documents_has_the_topic_columns(src, tmp_path):
    from welfare_nlp.research.frames import COLUMNS as FRAME_COLUMNS

    assert all(cols[0][0] == "doc_id" for cols in COLUMNS.values())
    assert FRAME_COLUMNS["documents"][0] == "doc_id"
    out = tmp_path / "t"
    assert main(["extract", str(src), "--format", "csv", "-o", str(out), "-q"]) == 1
    docs = _csv(out / "documents.csv")
    assert {"topic", "topic_probability", "social_probability", "n_events"} <= set(docs[0])
    assert docs[0]["topic"] and 0 < float(docs[0]["social_probability"]) <= 1
    assert [c for c, _ in COLUMNS["documents"]] == FRAME_COLUMNS["documents"]   # the same columns as frames


@pytest.mark.integration
def test_repeated_mentions_of_a_figure_are_kept_and_marked(extract):
    data = json.loads(extract(REPEATED, id="r").to_json())
    t = rows(data)
    amounts = [(r["value"], r["figure"], r["repeat"]) for r in t["amounts"]]
    assert amounts == [(360e9, 1, False), (360e9, 1, True), (20e9, 2, False)]
    heads = [(r["value"], r["noun"], r["repeat"]) for r in t["head_counts"]]
    assert len(heads) == 3 and [h[2] for h in heads].count(True) == 1   # the people are another figure
    assert sum(r["value"] for r in t["amounts"] if not r["repeat"]) == 380e9


@pytest.mark.integration
def test_frames_sums_without_repeats_count_each_figure_once(extract):
    pytest.importorskip("pandas")
    import welfare_nlp

    frames = welfare_nlp.to_frames([extract(REPEATED, id="r")])
    assert frames.amounts["repeat"].dtype == bool and len(frames.amounts) == 3
    assert frames.amounts.loc[~frames.amounts.repeat, "value"].sum() == 380e9
    units = frames.head_counts[~frames.head_counts.repeat].groupby("unit")["value"].sum().to_dict()
    assert sorted(units.values()) == [14500.0, 14500.0]

"""pandas tables of records: one row per item, with the document id, offsets and text."""
import gzip
import json

import pytest

from conftest import ROOT, SHARED, needs_shared

pd = pytest.importorskip("pandas")

from welfare_nlp.batch import tables  # noqa: E402
from welfare_nlp.research.frames import COLUMNS, TABLES, read_records, to_frames  # noqa: E402

TEXT = ("کارگاه آموزشی اشتغال 13 شهریور ماه در کرمان برگزار شد.\n"
        "عباس صادق زاده مدیر کل بهزیستی استان کرمان گفت: بیش از ۳۶۰ میلیارد ریال به ۲۵۰۰ نفر پرداخت شد و "
        "60درصد آنها زنان بودند.")


def _squash(s):
    return (s or "").replace(" ", "").replace("\u200c", "")


@pytest.fixture(scope="module")
def corpus(extract):
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))}
    return texts, [extract(t, id=i, published="2023-12-20") for i, t in texts.items()]


@pytest.mark.integration
def test_every_table_with_its_columns(extract):
    frames = to_frames([extract(TEXT, id="d1", published="2019-09-05")])
    assert tuple(frames) == TABLES
    for name in TABLES:
        assert list(frames[name].columns) == COLUMNS[name]
    assert frames.documents.loc[0, "doc_id"] == "d1" and frames.documents.loc[0, "n_officials"] == 1
    a = frames.amounts.iloc[0]
    assert (a["doc_id"], a["value"], a["currency"], a["value_toman"], a["province"], a["qualifier"]) == \
        ("d1", 360e9, "IRR", 36e9, "کرمان", "more_than")
    h = frames.head_counts.iloc[0]
    assert (h["value"], h["noun"], h["province"]) == (2500, "نفر", "کرمان")
    # what the figures are about, where they apply and who said them
    assert a["speaker"] == h["speaker"] == "عباس صادق زاده" and a["province_from"] == "figure"
    assert a["province_code"] == "IR-08" and a["event"] == 0
    rec = extract(TEXT, id="d1", published="2019-09-05")
    expected = [" | ".join(p.text for p in f.about) or None for f in rec.amounts + rec.head_counts]
    got = [None if pd.isna(x) else x for x in [*frames.amounts["about"], *frames.head_counts["about"]]]
    assert got == expected and any(got)
    assert frames.percentages.iloc[0]["value"] == 60
    d = frames.dates.iloc[0]
    assert (d["month"], d["day"], d["text"]) == (6, 13, "13 شهریور ماه")
    e = frames.events.iloc[0]
    assert (e["type"], e["jalali_month"], e["month_from"], e["place"]) == ("workshop", 6, "event", "کرمان")
    o = frames.officials.iloc[0]
    assert (o["name"], o["title"], o["organization"]) == ("عباس صادق زاده", "مدیر کل", "بهزیستی استان کرمان")
    assert TEXT[o["title_start"]:o["title_end"]] == "مدیر کل"
    assert TEXT[o["organization_start"]:o["organization_end"]] == "بهزیستی استان کرمان"
    assert frames.quotes.iloc[0]["speaker"] == "عباس صادق زاده"


@pytest.mark.integration
def test_offsets_give_the_text_in_every_item_table(corpus):
    texts, records = corpus
    frames = to_frames(records)
    assert len(frames.documents) == len(texts) and frames.documents["topic"].notna().all()
    for name in TABLES:
        if name == "documents":
            continue
        df = frames[name]
        assert len(df), name
        assert set(df["doc_id"]) <= set(texts)
        for row in df.itertuples():
            assert texts[row.doc_id][row.start:row.end] == row.text, (name, row)


@pytest.mark.integration
def test_same_rows_as_the_csv_tables(corpus):
    """documents, officials, amounts and head_counts are the rows `extract --format csv` writes, plus columns."""
    _, records = corpus
    frames = to_frames(records)
    for name in ("documents", "officials", "amounts", "head_counts"):
        expected = [r for rec in records for r in tables.rows(json.loads(rec.to_json()))[name]]
        cols = [c for c, _ in tables.COLUMNS[name]]
        got = frames[name][cols].astype(object).where(frames[name][cols].notna(), None).to_dict("records")
        assert got == [{c: r.get(c) for c in cols} for r in expected], name


@pytest.mark.integration
def test_a_figure_without_a_province_of_its_own_takes_the_documents(extract):
    text = "نشست اشتغال در یزد برگزار شد\nمدیرکل گفت: در سراسر کشور ۵۰۰ نفر و در استان کرمان ۳۰۰ نفر شاغل شدند."
    h = to_frames([extract(text, id="p")]).head_counts
    national, kerman = h.iloc[0], h.iloc[1]
    assert (kerman["province"], kerman["province_from"]) == ("کرمان", "figure")
    assert (national["province"], national["province_from"]) == ("یزد", "document")
    # the record itself keeps the national figure national
    assert extract(text, id="p").head_counts[0].province is None


@pytest.mark.integration
def test_events_take_the_month_of_publication_when_they_have_no_date(extract):
    rec = extract("نشست شورای اشتغال استان یزد برگزار شد.", id="x", published="2024-03-25")  # 5 Farvardin 1403
    ev = to_frames([rec]).events.iloc[0]
    assert (ev["jalali_year"], ev["jalali_month"], ev["month_from"]) == (1403, 1, "published")


@pytest.mark.integration
def test_error_rows_and_inputs_of_every_kind(tmp_path, extract):
    rec = extract(TEXT, id="d1")
    err = {"id": "bad", "version": "0.1.0", "error": {"code": "E001", "message": "empty document"}}
    lines = [rec.to_json(), json.dumps(err, ensure_ascii=False)]
    f = tmp_path / "out.jsonl.gz"
    with gzip.open(f, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n\n")
    for frames in (read_records(f), read_records(tmp_path), to_frames(f), to_frames(lines),
                   to_frames([rec, err]), to_frames([json.loads(lines[0]), err])):
        assert list(frames.documents["doc_id"]) == ["d1", "bad"]
        assert list(frames.documents["error_code"].fillna("")) == ["", "E001"]
        assert list(frames.officials["doc_id"]) == ["d1"]
    empty = to_frames([])
    assert all(len(empty[t]) == 0 and list(empty[t].columns) == COLUMNS[t] for t in TABLES)


def test_a_bad_line_names_its_place(tmp_path):
    f = tmp_path / "out.jsonl"
    f.write_text('{"id": "a", "error": {"code": "E001", "message": "x"}}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match="out.jsonl:2"):
        read_records(f)


@pytest.mark.integration
@needs_shared(SHARED / "seeds")
def test_seeds_officials_table_has_names_titles_and_organisations(tmp_path):
    """`to_frames` on the shared seeds: the officials table against the seeds' gold records."""
    from welfare_nlp.cli import main

    out = tmp_path / "seeds.jsonl"
    assert main(["extract", str(SHARED / "seeds"), "-o", str(out), "-q"]) == 0
    frames = read_records(out)
    off = frames.officials
    assert {"doc_id", "name", "title", "organization", "start", "end", "text"} <= set(off.columns)
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (SHARED / "seeds").glob("*.txt")}
    for row in off.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.text
    gold = [json.loads(line) for line in (SHARED / "gold" / "seeds.gold.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    n = titles = orgs = 0
    for g in gold:
        rows = off[off["doc_id"] == g["id"]]
        for o in g["officials"]:
            match = rows[rows["name"].map(_squash) == _squash(o["name"])]
            assert len(match) == 1, (g["id"], o["name"], list(rows["name"]))
            m = match.iloc[0]
            n += 1
            titles += o.get("title") is None or _squash(m["title"]) == _squash(o["title"])
            orgs += all(k in (m["organization"] or "") for k in o.get("org_keys") or [])
    assert n == len(off) == 13
    assert titles / n >= 0.9 and orgs / n >= 0.8

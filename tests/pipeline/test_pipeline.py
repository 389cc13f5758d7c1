import subprocess
import sys

import pytest


@pytest.mark.integration
def test_import_is_light():
    code = ("import sys, welfare_nlp; heavy = [m for m in ('spacy', 'pydantic', 'jdatetime', 'torch', 'hazm', 'dask', "
            "'pandas', 'matplotlib', 'sklearn', 'numpy') "
            "if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.integration
def test_load_gives_a_spacy_pipeline(nlp):
    assert nlp.lang == "fa"
    from welfare_nlp.ner import component as ner

    first = ["welfare_boilerplate", "welfare_ner", "welfare_provinces"] if ner.available() else \
        ["welfare_boilerplate", "welfare_provinces"]
    assert nlp.pipe_names[:len(first)] == first
    assert "welfare_officials" in nlp.pipe_names and nlp.pipe_names[-1] == "welfare_entities"


def test_doc_carries_items_entities_and_record(rules_nlp):
    nlp = rules_nlp
    raw = "عباس صادق زاده مدير كل بهزيستي استان كرمان گفت: ۲۵۰۰نفر تسهیلات گرفتند."
    doc = nlp(raw)
    assert doc.text != raw  # the Doc holds the normalised text ...
    assert doc._.wnlp.nt.raw == raw  # ... and the way back
    assert [s.text for s in doc.spans["head_counts"]] == ["2500 نفر"]
    labels = {(e.label_, e.text) for e in doc.ents}
    assert labels == {("PER", "عباس صادق زاده"), ("ORG", "بهزیستی استان کرمان")}  # outermost only
    rec = doc._.record
    nested = {(e.label, e.text) for e in rec.entities}
    assert ("LOC", "كرمان") in nested and ("ORG", "بهزيستي استان كرمان") in nested  # raw text, nested kept
    assert rec.officials[0].text == "عباس صادق زاده"
    assert raw[rec.head_counts[0].start:rec.head_counts[0].end] == "۲۵۰۰نفر"


@pytest.mark.parametrize("text,published", [
    ("عباس صادق زاده مدير كل بهزيستي استان كرمان گفت: ۲۵۰۰نفر تسهیلات گرفتند.", None),
    ("نشست شورای اشتغال در یزد برگزار شد.\nمدیرکل گفت: ۳۰۰ نفر شاغل شدند و ۲۰ میلیارد ریال وام پرداخت شد.", "2019-09-05"),
    ("متنی بدون عدد و نام", None),
])
def test_extract_many_gives_the_records_of_extract_without_dressing_its_docs(rules_nlp, text, published):
    from welfare_nlp.pipeline import extract, extract_doc, extract_many
    from welfare_nlp.pipeline.build import RECORDS_ONLY

    many = list(extract_many([(text, "a", published)], nlp=rules_nlp))
    assert [r.to_json() for r in many] == [extract(text, id="a", published=published, nlp=rules_nlp).to_json()]
    doc = extract_doc(text, id="a", published=published, nlp=rules_nlp)   # a Doc handed back: fully dressed
    assert RECORDS_ONLY not in doc.user_data
    assert ("head_counts" in doc.spans) == bool(many[0].head_counts)
    assert bool(doc.ents) == bool(many[0].entities)


def test_a_records_only_doc_gets_no_span_groups_or_entities(rules_nlp):
    from welfare_nlp.pipeline.build import RECORDS_ONLY

    doc = rules_nlp.make_doc("عباس صادق زاده مدير كل بهزيستي استان كرمان گفت: ۲۵۰۰نفر تسهیلات گرفتند.")
    doc.user_data[RECORDS_ONLY] = True
    doc = rules_nlp(doc)
    assert len(doc.spans) == 0 and len(doc.ents) == 0
    assert len(doc._.record.head_counts) == 1 and len(doc._.record.officials) == 1   # the record is whole


def test_pipe_over_many_texts(rules_nlp):
    docs = list(rules_nlp.pipe(["استان کرمان", "۵۰ درصد", "استان یزد"]))
    assert [len(d._.record.provinces) for d in docs] == [1, 0, 1]


def test_stage_subset():
    import welfare_nlp

    nlp = welfare_nlp.load(stages=["boilerplate", "amounts"])
    rec = nlp("۳۶۰ میلیارد تومان در استان کرمان")._.record
    assert len(rec.amounts) == 1 and rec.provinces == []


SAME = [
    ("کارگاه آموزشی اشتغال 13 و 14 شهریور ماه در کرمان برگزار شد.\nعباس صادق زاده مدیر کل بهزیستی استان کرمان گفت: "
     "بیش از ۳۶۰ میلیارد تومان به ۲۵۰۰ نفر پرداخت شد و 60درصد آنها زنان بودند.", "2019-09-05"),
    ("مهران\u00a0كريميان مدير كل بهزيستي خوزستان،معاون گفت:به  بیش از ۲۵۰۰نفر  بیش از ۳۶۰ ميليارد تومان تسهیلات "
     "پرداخت شده\u200f است. ۱۲ دیماه\r\nکد خبر 126727\nنظر شما\n8 + 7 =", "۲۰ آبان ۱۴۰۲"),
    ("نشست شورای اشتغال در یزد برگزار شد.\nمدیرکل گفت: ۳۰۰ نفر شاغل شدند و ۲۰ میلیارد ریال وام پرداخت شد.", "yesterday"),
]


@pytest.mark.parametrize("text,published", SAME)
def test_the_rules_fixture_makes_the_records_of_the_pipeline(rules, rules_extract, text, published):
    """The unit tests' ``rules`` (stages on a bare DocContext) and the spaCy pipeline without models agree."""
    assert rules(text, id="x", published=published).to_json() == rules_extract(text, id="x", published=published).to_json()


def test_public_names_survive_submodule_imports():
    import welfare_nlp
    import welfare_nlp.text.normalize  # noqa: F401  (the submodule owns the name)
    import welfare_nlp.research.rendering  # noqa: F401

    assert callable(welfare_nlp.extract) and callable(welfare_nlp.render) and callable(welfare_nlp.load)
    assert welfare_nlp.text.normalize.normalize("كرمان").text == "کرمان"


# ---------------------------------------------------------------- publication dates
import datetime as _dt  # noqa: E402

PUBLISHED = [
    # Gregorian forms
    ("2023-11-11", "2023-11-11"),
    ("2023-11-11T08:30:00+03:30", "2023-11-11"),
    ("2023-11-11 08:30", "2023-11-11"),
    ("2023/11/11", "2023-11-11"),
    ("11/11/2023", "2023-11-11"),
    ("Sat, 11 Nov 2023 08:30:00 +0330", "2023-11-11"),
    ("11 November 2023", "2023-11-11"),
    ("۱۱ نوامبر ۲۰۲۳", "2023-11-11"),
    (_dt.datetime(2023, 11, 11, 8, 30), "2023-11-11"),
    (_dt.date(2023, 11, 11), "2023-11-11"),
    # Jalali forms, converted (20 Aban 1402 = 11 November 2023)
    ("1402/08/20", "2023-11-11"),
    ("۱۴۰۲-۰۸-۲۰", "2023-11-11"),
    ("1402.8.20", "2023-11-11"),
    ("20 آبان 1402", "2023-11-11"),
    ("۲۰ آبان ۱۴۰۲", "2023-11-11"),
    ("شنبه ۲۰ آبان‌ماه ۱۴۰۲ ساعت ۸:۳۰", "2023-11-11"),
    ("۱ فروردین ۱۴۰۳", "2024-03-20"),
    # nothing given
    (None, None),
    ("", None),
]


@pytest.mark.parametrize("value,iso", PUBLISHED)
def test_published_forms(rules_extract, value, iso):
    rec = rules_extract("کارگاه آموزشی در کرمان برگزار شد.", id="p", published=value)
    assert rec.published == iso and rec.warnings == []


@pytest.mark.parametrize("value", ["yesterday", "1402/13/45", "2023-02-30", 7, ["2023-11-11"]])
def test_unreadable_published_is_a_warning_not_an_error(rules_extract, value):
    rec = rules_extract("۲۵۰۰ نفر در کرمان تسهیلات گرفتند.", id="p", published=value)
    assert rec.published is None
    assert len(rec.warnings) == 1 and rec.warnings[0].startswith("W006")
    assert [h.value for h in rec.head_counts] == [2500]  # the document is still extracted


def test_jalali_published_anchors_dates(rules_extract):
    rec = rules_extract("همایش روز ۱۲ دی ماه برگزار خواهد شد.", id="p", published="۲۰ آبان ۱۴۰۲")
    (d,) = rec.dates
    assert rec.published == "2023-11-11" and d.anchored_year == 1402 and d.iso == "2024-01-02"


def test_warnings_field_in_schema():
    from welfare_nlp.record import Record, json_schema

    assert Record(id="x").warnings == []
    assert "warnings" in json_schema()["properties"]


@pytest.mark.integration
def test_batch_keeps_a_document_with_an_unreadable_date(tmp_path):
    import json

    from welfare_nlp.cli import main

    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in [
        {"id": "a", "text": "۳۰۰ نفر در کرمان", "published": "۱۴۰۲/۰۸/۲۰"},
        {"id": "b", "text": "۴۰۰ نفر در یزد", "published": "هفته پیش"},
    ]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    main(["extract", str(src), "-o", str(out)])
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert "error" not in rows["a"] and rows["a"]["published"] == "2023-11-11" and rows["a"]["warnings"] == []
    assert "error" not in rows["b"] and rows["b"]["published"] is None and rows["b"]["warnings"]

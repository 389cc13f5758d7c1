"""displaCy view: right to left, items coloured at the record's offsets into the original text."""
import html
import re

import pytest

import welfare_nlp
from welfare_nlp.research.rendering import COLORS, HTML, marks, render

pytestmark = pytest.mark.integration

RAW = ("عباس صادق زاده مدير كل بهزيستي استان كرمان گفت: ۲۵۰۰نفر از مددجويان ۳۶۰ ميليارد تومان تسهیلات "
       "گرفتند و ۶۰ درصد آنها زنان بودند. <b>خبر</b> ۱۳ شهريور ۱۴۰۲")

_MARK = re.compile(r'<mark class="entity" style="background: (#[0-9a-f]+);[^"]*"[^>]*>\s*(.*?)\s*<span[^>]*>(\w+)</span>',
                   re.S)


def _marked(h):
    return [(html.unescape(text), label, color) for color, text, label in _MARK.findall(h)]


@pytest.fixture(scope="module")
def record(extract):
    return extract(RAW, id="r1")


def test_right_to_left_with_every_kind_coloured(record):
    h = render(record, text=RAW)
    assert isinstance(h, HTML) and h._repr_html_() == str(h)
    assert "direction: rtl" in h
    got = {(text, label) for text, label, _ in _marked(h)}
    assert {("عباس صادق زاده", "OFFICIAL"), ("مدير كل", "TITLE"), ("۲۵۰۰نفر از مددجويان", "HEAD_COUNT"),
            ("۳۶۰ ميليارد تومان", "AMOUNT"), ("۶۰ درصد", "PERCENT"), ("۱۳ شهريور ۱۴۰۲", "DATE")} <= got
    # the province inside the organisation is shown, the organisation around it is not (no nesting)
    assert ("كرمان", "PROVINCE") in got and ("بهزيستي استان كرمان", "ORG") not in got
    for _, label, color in _marked(h):
        assert color == COLORS[label]


def test_text_is_escaped(record):
    h = render(record, text=RAW)
    assert "<b>خبر</b>" not in h and "&lt;b&gt;خبر&lt;/b&gt;" in h


def test_marks_never_overlap_and_point_into_the_original(record):
    m = marks(record.model_dump(mode="json"))
    assert m == sorted(m, key=lambda x: x["start"])
    for a, b in zip(m, m[1:]):
        assert a["end"] <= b["start"]
    assert {RAW[x["start"]:x["end"]] for x in m if x["label"] == "AMOUNT"} == {"۳۶۰ ميليارد تومان"}


def test_text_doc_and_record_give_the_same_marks(nlp, record):
    from_record = _marked(render(record.model_dump(mode="json"), text=RAW))
    from_doc = _marked(render(nlp(RAW)))
    from_text = _marked(welfare_nlp.render(RAW))
    assert from_record == from_doc == from_text


def test_labels_limit_the_marks(record):
    got = {label for _, label, _ in _marked(render(record, text=RAW, labels=["AMOUNT", "DATE"]))}
    assert got == {"AMOUNT", "DATE"}


def test_a_whole_page_says_rtl_and_persian(record):
    page = render(record, text=RAW, page=True)
    assert page.lstrip().startswith("<!DOCTYPE html>") and 'lang="fa"' in page
    assert re.search(r"<body[^>]*direction: rtl", page)


def test_a_record_needs_its_text(record):
    with pytest.raises(ValueError, match="text="):
        render(record)
    with pytest.raises(TypeError):
        render(42)


def test_a_text_without_an_id_gets_no_content_hash_heading_and_id_sets_it(nlp):
    short = "استان کرمان"
    assert "sha256:" not in render(short)
    h = render(short, id="خبر ۱")
    assert "خبر ۱" in h and "sha256:" not in h
    assert "خبر ۲" in welfare_nlp.render(short, id="خبر ۲")


def test_marks_that_wrap_keep_their_box_on_every_line(record):
    h = render(record, text=RAW)
    n = h.count('<mark class="entity"')
    assert n > 3 and len(re.findall(r'<mark class="entity" style="[^"]*box-decoration-break: clone', h)) == n
    assert re.search(r'<div class="entities" style="[^"]*overflow-wrap: anywhere', h)


def test_about_is_marked_and_linked_to_its_figure(extract):
    raw = "مدیرکل بهزیستی استان یزد گفت: ۵۰ میلیارد ریال تسهیلات اشتغال به مددجویان پرداخت شد."
    rec = extract(raw, id="about")
    h = render(rec, text=raw)
    about = rec.amounts[0].about[0]
    figure = re.search(r'<mark class="entity"[^>]*data-figure="amounts-0"[^>]*title="([^"]*)"[^>]*>\s*'
                       + re.escape(rec.amounts[0].text), h)
    assert figure and "about: " + about.text in html.unescape(figure.group(1))
    linked = re.search(r'<mark class="entity"[^>]*data-figure="amounts-0"[^>]*>\s*' + re.escape(about.text)
                       + r'\s*<span[^>]*>ABOUT</span>', h)
    assert linked and about.text == raw[about.start:about.end]
    # marks of other kinds carry no link
    assert h.count("data-figure=") == sum(1 for m in marks(rec.model_dump(mode="json")) if "figure" in m)

"""Hostile input, fuzzed: arbitrary Unicode (bidi controls, zero-width characters, combining marks,
NUL, lone ZWNJ, lone surrogates), Persian-like text from our lexicons, numbers at the edges, broken
HTML. Whatever comes in: no exception other than a coded ``WelfareNLPError`` escapes ``extract``
or ``load()(text)``; every offset is valid with ``raw[start:end] == text``; amounts, counts and
percentages are finite (amounts and counts non-negative); the CLI writes one line per input."""
import json
import math
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from welfare_nlp.text import lexicon
from test_offsets import _spans
from welfare_nlp.errors import WelfareNLPError
import pytest

pytestmark = pytest.mark.integration

# more examples for a local fuzzing session: WELFARE_FUZZ=10 runs ten times as many
SCALE = int(os.environ.get("WELFARE_FUZZ", "1"))

WORDS = sorted({
    *lexicon.number_words(), *lexicon.currencies(), *lexicon.count_nouns(), *lexicon.months(),
    *(p["name"] for p in lexicon.provinces()), *lexicon.words("titles.txt"), *list(lexicon.words("first_names.txt"))[:60],
    *lexicon.words("speech_verbs.txt"), *list(lexicon.words("organizations.txt"))[:40],
    "استان", "بهزیستی", "گفت", "افزود", "وی", "درصد", "سال", "بیش از", "حدود", "تا", "و", "نفر", "کد خبر", "نظر شما",
})
EDGE_NUMBERS = ["۰", "0", "۱۲۳۴۵۶۷۸۹۰" * 4, "1" * 40, "9" * 400, "هزار هزار هزار", "هزار " * 40,
                "۱٬۲۳۴٬۵۶۷٫۸۹", "1,234,567.89", "1e308", "٣٥٪", "-5", "۰۰۰۰۰", "0.000000001", "۶/۱۴", "1/0",
                "میلیارد میلیارد میلیارد میلیارد میلیارد", "۵۰۰ هزار میلیارد تومان", "۱۴۰۰/۱۳/۴۵", "۹۹۹۹/۹۹/۹۹"]
CONTROLS = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2069", "\u200e", "\u200f", "\u061c", "\u200b", "\u200c",
            "\u200d", "\ufeff", "\x00", "\x01", "\x7f", "\u0301", "\u064b\u064b\u064b", "\u0670", "\ud800", "\udfff",
            "\r", "\r\n", "\u2028", "\u00a0", "\t", "ـــ", "\U0001f600", "\ufffd"]
BROKEN_HTML = ["<p>", "</div>", "<script>alert(1)</script>", "<!--", "-->", "<b><i>", "&nbsp;", "&#1605;", "&#x0;",
               "&amp;", "<", ">", "\"'", "<![CDATA[", "]]>", "<img src=x onerror=alert(1)>"]
TOKEN = st.one_of(st.sampled_from(WORDS), st.sampled_from(EDGE_NUMBERS), st.sampled_from(CONTROLS),
                  st.sampled_from(BROKEN_HTML), st.integers(-10**6, 10**12).map(str),
                  st.text(st.characters(codec=None, exclude_categories=()), max_size=4))
SEP = st.sampled_from([" ", "", "\u200c", "\u00a0", "\n", "  ", "،", ".", ":"])
DOCS = st.lists(st.tuples(TOKEN, SEP), min_size=0, max_size=50).map(lambda xs: "".join(a + b for a, b in xs))


def check_record(raw: str, rec: dict) -> None:
    for item in _spans(rec):
        assert 0 <= item["start"] <= item["end"] <= len(raw)
        assert raw[item["start"]:item["end"]] == item["text"]
    for kind in ("amounts", "head_counts"):
        for it in rec[kind]:
            for key in ("value", "max", "min"):
                if it.get(key) is not None:
                    assert math.isfinite(it[key]) and it[key] >= 0
    for it in rec["percentages"]:
        assert math.isfinite(it["value"])
    json.dumps(rec, ensure_ascii=False).encode("utf-8")  # the record can be written as UTF-8


def _extract_or_coded_error(fn, raw):
    try:
        return fn(raw)
    except WelfareNLPError as exc:  # a coded error for bad input is the contract
        assert exc.code.startswith("E") and exc.message
        return None


@settings(max_examples=300 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(DOCS)
def test_extract_survives_anything(nlp, raw):
    from welfare_nlp.pipeline import extract

    rec = _extract_or_coded_error(lambda t: extract(t, nlp=nlp), raw)
    if rec is not None:
        check_record(raw, rec.model_dump(mode="json"))


@settings(max_examples=150 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(DOCS)
def test_spacy_call_survives_anything(nlp, raw):
    doc = _extract_or_coded_error(nlp, raw)
    if doc is None:
        return
    check_record(raw, doc._.record.model_dump(mode="json"))
    for group in doc.spans.values():
        for span in group:
            assert 0 <= span.start_char <= span.end_char <= len(doc.text)
    for ent in doc.ents:
        assert 0 <= ent.start_char <= ent.end_char <= len(doc.text)


@settings(max_examples=25 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(DOCS, st.sampled_from(BROKEN_HTML)), min_size=1, max_size=12), st.data())
def test_cli_writes_one_line_per_input(tmp_path_factory, docs, data):
    from welfare_nlp.cli import main

    work = tmp_path_factory.mktemp("cli")
    lines = []
    for k, text in enumerate(docs):
        shape = data.draw(st.sampled_from(["ok", "not-json", "no-text", "number-text", "array"]))
        if shape == "ok":
            lines.append(json.dumps({"id": f"d{k}", "text": text}, ensure_ascii=data.draw(st.booleans())))
        elif shape == "not-json":
            lines.append("{" + text.replace("\n", " ").replace("\r", " ").replace("\u2028", " ").replace("\x85", " "))
        elif shape == "no-text":
            lines.append(json.dumps({"id": f"d{k}"}))
        elif shape == "number-text":
            lines.append(json.dumps({"id": f"d{k}", "text": 12}))
        else:
            lines.append(json.dumps([text]))
    src = work / "in.jsonl"
    src.write_bytes(("\n".join(lines) + "\n").encode("utf-8", "surrogatepass"))
    html_dir = work / "pages"
    html_dir.mkdir()
    for k, text in enumerate(docs[:4]):
        (html_dir / f"p{k}.html").write_bytes(f"<html><body><p>{text}</p>".encode("utf-8", "surrogatepass"))
    out = work / "out.jsonl"
    code = main(["extract", str(src), str(html_dir), "-o", str(out), "-q"])
    assert code in (0, 1)  # 1: some documents failed, each with its error line
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(written) == len(lines) + min(4, len(docs))
    for row in written:
        assert ("error" in row) != ("officials" in row)
        if "error" in row:
            assert row["error"]["code"].startswith("E") and row["error"]["message"]

"""Bounded output (issue 17): a document's JSON record grows at most linearly with its text, also
when the text has no line breaks (scraped pages, CSV cells), where a quote used to run to the end of
the document and each of a thousand quotes repeated the rest of it. The time of a one-line text
against the same text in lines is measured by ``benchmarks/one_line.py``, not here."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from welfare_nlp.pipeline import extract

pytestmark = pytest.mark.integration

# invented words: names, titles, organisations, verbs of saying, ordinary words, quote marks
WORDS = [
    "رضا", "کاظمی‌نیا", "مریم", "صالحی", "سید", "دکتر", "آقای", "وی", "او",
    "مدیر", "کل", "مدیرکل", "معاون", "سخنگوی", "سرپرست", "رئیس", "وزیر", "استاندار", "عضو", "هیأت‌رئیسه",
    "بهزیستی", "استان", "یزد", "سازمان", "ستاد", "صندوق", "کمیسیون", "مجلس", "وزارت", "کار",
    "گفت:", "افزود:", "تصریح", "کرد:", "اظهار", "داشت:", "به", "گزارش", "گفته", "خبر", "داد",
    "طرح", "اجرا", "شد", "تسهیلات", "۲۰۰", "نفر", "میلیارد", "تومان", "در", "و", "از", "با", "این",
    "«", "»", "،", ".", ":",
]
PARA = ("مدیر کل بهزیستی استان فرضی گفت: امسال ۲۰۰ نفر از مددجویان تسهیلات اشتغال دریافت کردند. "
        "رضا کاظمی‌نیا معاون توانبخشی این اداره کل افزود: برای این طرح ۳۰ میلیارد تومان اعتبار اختصاص یافت. "
        "وی تصریح کرد: «همکاری خیرین در این زمینه بسیار مهم است.» "
        "به گزارش خبرنگار ما، این طرح در ۱۲ شهرستان اجرا می‌شود. ")

# every item of a record costs a few dozen characters of JSON (offsets, source, score): dense texts of
# short words measured up to about 11 characters of record per character of text (300 random texts)
PER_CHAR, FIXED = 20, 2000


def _size(nlp, text):
    return len(extract(text, nlp=nlp, max_chars=None).to_json())


sentences = st.lists(st.sampled_from(WORDS), min_size=1, max_size=25).map(" ".join)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(sentences, min_size=1, max_size=12), st.sampled_from([" ", "\n", ". ", " . "]))
def test_record_length_is_bounded_by_the_text(nlp, parts, sep):
    text = sep.join(parts)
    if not text.strip():
        return
    assert _size(nlp, text) <= PER_CHAR * len(text) + FIXED


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(sentences, min_size=1, max_size=6))
def test_record_grows_linearly_when_a_one_line_text_is_repeated(nlp, parts):
    unit = " ".join(parts) + " "
    if not unit.strip():
        return
    one, many = _size(nlp, unit), _size(nlp, unit * 20)
    assert many <= 20 * one * 1.5 + FIXED


@pytest.mark.parametrize("joiner", ["", "\n"])
def test_a_long_text_has_bounded_quotes(nlp, joiner):
    text = joiner.join([PARA] * 200)   # about 60,000 characters
    rec = extract(text, nlp=nlp, max_chars=None)
    assert len(rec.to_json()) <= 10 * len(text)
    assert sum(q.end - q.start for q in rec.quotes) <= len(text)
    assert max(q.end - q.start for q in rec.quotes) < 200


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from welfare_nlp.normalize import normalize

ZWNJ = "\u200c"
CASES = [
    ("كرمان و يزد", "کرمان و یزد"),
    ("۲۵۰۰نفر", "2500 نفر"),
    ("60درصد", "60 درصد"),
    ("خوزستان،معاون", "خوزستان، معاون"),
    ("گفت:طرح", "گفت: طرح"),
    ("2,500 و ۲٬۵۰۰", "2,500 و 2,500"),
    ("۶٫۵", "6.5"),
    ("6/14 %", "6/14 %"),
    ("1398/06/13", "1398/06/13"),
    ("٣٥ مورد", "35 مورد"),
    ("می شود", f"می{ZWNJ}شود"),
    ("نمی توان", f"نمی{ZWNJ}توان"),
    ("کلینیک ها", f"کلینیک{ZWNJ}ها"),
    ("بزرگ ترین", f"بزرگ{ZWNJ}ترین"),
    ("عدیده ای", f"عدیده{ZWNJ}ای"),
    ("میشود", f"می{ZWNJ}شود"),
    ("a\u00a0b", "a b"),
    ("الف\u200fب\u200bپ", "الفبپ"),
    ("مـــدیر", "مدیر"),
    ("سَلام", "سلام"),
    ("سطر\r\nدوم", "سطر\nدوم"),
    ("دو   فاصله", "دو فاصله"),
    ("250 هزارریال", "250 هزار ریال"),
    ("کرد.اکنون", "کرد. اکنون"),
    ("ميانگين 6.5", "میانگین 6.5"),
]


@pytest.mark.parametrize("raw,expected", CASES)
def test_normalize(raw, expected):
    assert normalize(raw).text == expected


KEEP = ["می", "هزاره", "میز", "ماه‌ها", "آذربایجان"]


@pytest.mark.parametrize("raw", KEEP)
def test_leaves_words_alone(raw):
    assert normalize(raw).text == raw


PERSIAN = st.sampled_from(list("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكةۀ") + ["\u200c", " ", "\u00a0", "\u200f",
                          "۰", "۵", "٣", "1", ",", "٬", "٫", "/", "%", ":", "،", ".", "\n", "\r", "ـ", "\u064b"])


@settings(max_examples=300, deadline=None)
@given(st.lists(PERSIAN, max_size=60).map("".join), st.data())
def test_every_span_maps_back(raw, data):
    nt = normalize(raw)
    assert len(nt.starts) == len(nt.ends) == len(nt.text)
    if not nt.text:
        return
    a = data.draw(st.integers(0, len(nt.text)))
    b = data.draw(st.integers(a, len(nt.text)))
    rs, re_ = nt.to_raw(a, b)
    assert 0 <= rs <= re_ <= len(raw)
    # every kept character comes from inside the raw span
    for i in range(a, b):
        assert rs <= nt.starts[i] <= nt.ends[i] <= re_

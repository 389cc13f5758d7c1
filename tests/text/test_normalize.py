import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from welfare_nlp.text.normalize import normalize

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


def _char_pass_reference(raw):
    """The character pass written the slow, obvious way: one character at a time."""
    from welfare_nlp.text.normalize import _CHAR_MAP, _DROP

    chars, starts, ends = [], [], []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\r":
            j = i + 2 if raw[i + 1:i + 2] == "\n" else i + 1
            chars.append("\n"), starts.append(i), ends.append(j)
            i = j
            continue
        if ch not in _DROP:
            mapped = _CHAR_MAP.get(ch, ch)
            if ord(mapped) < 32 and mapped != "\n":
                mapped = " "
            chars.append(mapped), starts.append(i), ends.append(i + 1)
        i += 1
    return "".join(chars), starts, ends


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.one_of(PERSIAN, st.characters(max_codepoint=0x206F), st.sampled_from("\x00\x01\t\x0b\x85\u2028\ufeff\u202e\u2067")), max_size=80))
def test_character_pass_matches_the_obvious_loop(raw):
    from welfare_nlp.text.normalize import _char_pass

    text, starts, ends = _char_pass(raw)
    assert (text, list(starts), list(ends)) == _char_pass_reference(raw)

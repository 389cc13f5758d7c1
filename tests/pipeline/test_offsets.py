"""Every item of every record points into the ORIGINAL text: raw[start:end] == text."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from welfare_nlp.text import lexicon

WORDS = sorted({
    *lexicon.number_words(), *lexicon.currencies(), *lexicon.count_nouns(), *lexicon.months(),
    *(p["name"] for p in lexicon.provinces()), *lexicon.words("titles.txt"), *list(lexicon.words("first_names.txt"))[:40],
    "استان", "بهزیستی", "گفت", "افزود", "وی", "درصد", "سال", "بیش از", "حدود", "تا", "و", "نفر", ":", "،", ".",
    "کد خبر", "نظر شما",
})
NOISE = ["\u200c", "\u200f", "\u00a0", "\u200b", "ـ", "\u064b", "\r\n", "\n", "  ", "ي", "ك", "۲۵۰۰", "٣٥", "6/14", "2,500", "۱۳۹۸/۰۶/۱۳", "%", "٪"]
TOKEN = st.one_of(st.sampled_from(WORDS), st.sampled_from(NOISE), st.integers(0, 10**6).map(str),
                  st.text(max_size=3))
SEP = st.sampled_from([" ", "", "\u200c", "\u00a0", "\n", "  "])
DOCS = st.lists(st.tuples(TOKEN, SEP), min_size=1, max_size=40).map(lambda xs: "".join(a + b for a, b in xs))


def _spans(obj):
    """Every dict in the record with start/end/text."""
    if isinstance(obj, dict):
        if {"start", "end", "text"} <= obj.keys():
            yield obj
        for v in obj.values():
            yield from _spans(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _spans(v)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCS)
def test_offsets_point_into_the_original(rules, raw):
    if not raw.strip():
        return
    rec = rules(raw).model_dump()
    for item in _spans(rec):
        assert 0 <= item["start"] <= item["end"] <= len(raw)
        assert raw[item["start"]:item["end"]] == item["text"]
    for a in rec["amounts"] + rec["head_counts"]:
        assert a["value"] >= 0 and a["value"] == a["value"] and a["value"] != float("inf")


def test_offsets_on_a_messy_release(rules):
    raw = ("مهران\u00a0كريميان مدير كل بهزيستي خوزستان،معاون گفت:به  بیش از ۲۵۰۰نفر  بیش از ۳۶۰ ميليارد تومان "
           "تسهیلات پرداخت شده\u200f است و 60درصد آنها زنان هستند. ۱۲ دیماه\r\nکد خبر 126727\nنظر شما\n8 + 7 =")
    rec = rules(raw).model_dump()
    spans = list(_spans(rec))
    assert len(spans) >= 6
    for item in spans:
        assert raw[item["start"]:item["end"]] == item["text"]

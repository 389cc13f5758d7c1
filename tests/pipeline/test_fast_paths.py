"""The faster ways of issue 19 give exactly what the plain ways gave (no timings here)."""
import re

from hypothesis import given, settings
from hypothesis import strategies as st

LETTERS = st.sampled_from(list("ابپتسیکهمنوردلزش ‌\n0123456789۰۱۲۳۴يكة") + ["\u064b", "\u200f", "😀", "\ud800", "\x85"])


@settings(max_examples=150, deadline=None)
@given(st.lists(LETTERS, min_size=0, max_size=2000).map("".join))
def test_translate_equals_str_translate(text):
    from welfare_nlp.text.normalize import _TABLE, _translate

    assert _translate(text) == text.translate(_TABLE)
    long = text * (600 // max(len(text), 1) + 1)   # past the length where the lookup array is used
    assert _translate(long) == long.translate(_TABLE)


WORD = st.text(alphabet=st.sampled_from(list("ابتسیک. ‌")), min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORD, min_size=1, max_size=30), st.lists(st.sampled_from(list("ابتسیک. ‌x")), max_size=200).map("".join))
def test_trie_alternation_matches_the_longest_first_alternation(words, text):
    from welfare_nlp.text.lexicon import trie_alternation

    plain = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    tail = r"(?![ابتسیک])"   # a lookahead after the group makes the engine backtrack into it
    for pa, pb in ((plain, trie_alternation(words)), (f"(?:{plain}){tail}", f"(?:{trie_alternation(words)}){tail}")):
        a = [m.span() for m in re.finditer(pa, text)]
        b = [m.span() for m in re.finditer(pb, text)]
        assert a == b


def test_number_and_city_patterns_find_what_the_plain_alternations_found():
    from welfare_nlp.text import lexicon
    from welfare_nlp.text import numerals as numbers
    from welfare_nlp.extractors import provinces

    text = ("در سال ۱۳۹۹ بیست و پنج هزار و سیصد نفر در مشهد و بندرعباس، 2,500 نفر در شیراز و سی‌وپنج نفر در "
            "کرج و نهصد و نود و نه میلیارد ریال و 12/5 درصد؛ یک‌هزار و دویست خانوار در اسلامشهر")
    words = sorted(lexicon.number_words(), key=len, reverse=True)
    word = numbers._PB + "(?:" + "|".join(map(re.escape, words)) + ")" + numbers._NB
    comp = f"(?:{numbers.DIGITS}|{word})"
    plain = re.compile(rf"{comp}(?:[ ]+(?:و[ ]+)?{comp})*")
    assert [m.span() for m in numbers._pattern().finditer(text)] == [m.span() for m in plain.finditer(text)]
    pattern, cities = provinces._city_index()
    alt = "|".join(re.escape(c) for c in sorted(cities, key=len, reverse=True))
    plain = re.compile(rf"{provinces._B}(?:{alt}){provinces._E}")
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert [m.group() for m in pattern.finditer(text)]   # the sample names cities

"""Numbers in normalised Persian text: digits with separators and decimals, number words.

``find_numbers(text)`` returns every number expression with its value:

* digits: ``2,500`` = 2500, ``6.5``, ``6/14`` = 6.14 (the Persian decimal slash);
  slash-separated triples such as ``1398/06/13`` are dates, never numbers;
* words: ``هزار میلیارد`` = 10**12, ``سه هزار و پانصد`` = 3500, ``یکصد`` = 100,
  ``دو و نیم میلیون`` = 2.5e6, and mixtures such as ``یک هزار و 100`` = 1100 or ``۳۶۰ میلیارد``.

``و`` joins two parts only when the second is smaller than the place of the first
(``بیست و پنج`` = 25, but ``13 و 14`` are two numbers).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import lexicon
from .normalize import LETTER

_NB = rf"(?![{LETTER}\u200c])"   # not followed by a letter or ZWNJ
_PB = rf"(?<![{LETTER}\u200c])"  # not preceded by a letter or ZWNJ
DIGITS = r"(?<![\d/.,])(?<!/\s)(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+|/\s?\d+)?)(?!\d)(?!\s?/\s?\d)(?![.,]\d)"


@dataclass(frozen=True)
class Number:
    start: int
    end: int
    value: float
    words: bool      # spelled (at least partly) in words
    scaled: bool     # carries a scale word (هزار, میلیون, ...)
    text: str
    scale: float = 1.0  # product of the trailing scale words (۶۰۰ هزار -> 1000)

    @property
    def is_int(self) -> bool:
        return float(self.value).is_integer()


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    words = sorted(lexicon.number_words(), key=len, reverse=True)
    word = _PB + "(?:" + "|".join(map(re.escape, words)) + ")" + _NB
    comp = f"(?:{DIGITS}|{word})"
    return re.compile(rf"{comp}(?:[ ]+(?:و[ ]+)?{comp})*")


_TOKEN = re.compile(rf"{DIGITS}|[^\s]+")
# larger values are not quantities a press release states (a 40-digit code, «هزار هزار هزار ...»)
MAX_VALUE = 1e18


def parse_digits(token: str) -> float | None:
    t = token.replace(" ", "")
    if "," in t:
        t = t.replace(",", "")
    if "/" in t:
        t = t.replace("/", ".")
    try:
        return float(t)
    except ValueError:
        return None


def _place(value: float) -> float:
    """The place of the lowest non-zero digit of an integer (20 -> 10, 300 -> 100, 13 -> 1)."""
    if not float(value).is_integer() or value == 0:
        return 0.0
    v, place = int(value), 1
    while v % 10 == 0:
        v //= 10
        place *= 10
    return float(place)


class _Acc:
    """Accumulates components: ``total`` holds completed scale groups, ``current`` the rest."""

    def __init__(self) -> None:
        self.total = 0.0
        self.current = 0.0
        self.started = False
        self.scaled = False
        self.last_kind = ""
        self.trailing = 1.0

    @property
    def value(self) -> float:
        return self.total + self.current

    def can_take(self, value: float, kind: str, joined_by_and: bool) -> bool:
        if not self.started:
            return True
        if kind == "scale":
            return self.last_kind != "fraction" or self.current > 0
        if joined_by_and:
            if kind == "fraction":
                return self.value > 0 and self.last_kind != "fraction"
            place = _place(self.value) if self.last_kind != "scale" else _place(self.value)
            return place > value and self.last_kind != "fraction"
        # juxtaposed without و: only after a scale word and smaller than it
        return self.last_kind == "scale" and _place(self.value) > value

    def take(self, value: float, kind: str, joined_by_and: bool = False) -> None:
        self.started = True
        if kind == "scale":
            self.trailing = self.trailing * value if self.last_kind == "scale" and not joined_by_and else value
        else:
            self.trailing = 1.0
        if kind == "scale":
            self.scaled = True
            if self.current == 0 and self.total == 0:
                self.total = value
            elif self.current == 0:
                # هزار میلیارد, هزار هزار: a scale right after a scale multiplies the whole
                self.total = self.total + value if joined_by_and else self.total * value
            else:
                if self.total and self.total < value:
                    self.total = (self.total + self.current) * value
                else:
                    self.total += self.current * value
                self.current = 0.0
        elif kind == "fraction":
            self.current += value
        else:
            self.current += value
        self.last_kind = kind


def _components(text: str, start: int, end: int):
    """Yield (start, end, value, kind, words, joined_by_and) for each component."""
    nw = lexicon.number_words()
    joined = False
    for m in _TOKEN.finditer(text, start, end):
        tok = m.group()
        if tok == "و":
            joined = True
            continue
        if tok in nw:
            value, kind = nw[tok]
            yield m.start(), m.end(), value, kind, True, joined
        else:
            value = parse_digits(tok)
            if value is None:
                return
            yield m.start(), m.end(), value, "digits", False, joined
        joined = False


def _split(text: str, start: int, end: int) -> list[Number]:
    out: list[Number] = []
    acc, s, e, words = _Acc(), None, None, False
    for cs, ce, value, kind, is_word, joined in _components(text, start, end):
        if acc.started and not acc.can_take(value, kind, joined):
            out.append(Number(s, e, acc.value, words, acc.scaled, text[s:e], acc.trailing))
            acc, s, words = _Acc(), None, False
        if s is None:
            s = cs
        acc.take(value, kind, joined)
        e = ce
        words = words or is_word
    if acc.started:
        out.append(Number(s, e, acc.value, words, acc.scaled, text[s:e], acc.trailing))
    return out


def find_numbers(text: str) -> list[Number]:
    """All number expressions in normalised ``text``, left to right."""
    out: list[Number] = []
    for m in _pattern().finditer(text):
        for num in _split(text, m.start(), m.end()):
            if _is_noise(num, text) or not (0 <= num.value <= MAX_VALUE):  # also drops inf and nan
                continue
            out.append(num)
    return out


_SCALES = {"هزار", "میلیون", "ملیون", "میلیارد", "ملیارد", "بیلیون", "تریلیون"}


def _is_noise(num: Number, text: str) -> bool:
    """Number words that are ordinary words in context: نه (no), ده (village) alone, سی... ."""
    if num.words and num.scaled and all(w in _SCALES for w in num.text.split()):
        # «چند میلیون دلاری», «صدها هزار»: a bare scale word after a vague quantifier
        before = text[max(0, num.start - 8):num.start].split()
        if before and before[-1] in ("چند", "صدها", "هزاران", "ده‌ها", "دهها", "میلیون‌ها", "میلیاردها"):
            return True
    if not num.words or num.scaled:
        return False
    t = num.text
    if t == "نه":
        return True
    if t == "ده":
        nxt = text[num.end:num.end + 6]
        return not nxt.startswith(" ")
    return False


def parse_number(text: str) -> float | None:
    """The value of a text that is exactly one number expression, else None."""
    from .normalize import normalize_text

    t = normalize_text(text).strip()
    nums = find_numbers(t)
    if len(nums) == 1 and nums[0].start == 0 and nums[0].end == len(t):
        return nums[0].value
    return None

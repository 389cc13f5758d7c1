"""Numbers in normalised Persian text: digits with separators and decimals, number words.

``find_numbers(text)`` returns every number expression with its value:

* digits: ``2,500`` = 2500, ``6.5``, ``6/14`` = 6.14 (the Persian decimal slash);
  slash-separated triples such as ``1398/06/13`` are dates, never numbers;
* words: ``هزار میلیارد`` = 10**12, ``سه هزار و پانصد`` = 3500, ``یکصد`` = 100,
  ``دو و نیم میلیون`` = 2.5e6, and mixtures such as ``یک هزار و 100`` = 1100 or ``۳۶۰ میلیارد``.

``و`` joins two parts only when the second is smaller than the place of the first
(``بیست و پنج`` = 25, but ``13 و 14`` are two numbers); ``بیست‌وپنج`` (ZWNJ) reads the same.

Decimals said in words: ``پانزده و چهار دهم`` = 15.4, ``۸ و ۴ دهم`` = 8.4, ``۳ و ۲۵ صدم`` = 3.25,
``چهار دهم`` = 0.4, ``۱۲ ممیز ۵`` = 12.5. ``نه`` is nine only where a number is meant (``نه نفر``,
``نه هزار``, ``بیست و نه``), never the negation (``نه تنها``, ``نه ... نه``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from welfare_nlp.text import lexicon
from welfare_nlp.text.normalize import LETTER

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
    # the words longest first, written as a trie (lexicon.trie_alternation: the same matches)
    word = _PB + "(?:" + lexicon.trie_alternation(words) + ")" + _NB
    comp = f"(?:{DIGITS}|{word})"
    # a match starts with a digit or a number word's first letter: the lookahead rejects other positions
    # before the lookbehinds and the alternation are tried (same matches, 40% less time)
    first = "".join(sorted({re.escape(w[0]) for w in words if w}))
    return re.compile(rf"(?=[\d{first}])(?:{comp})(?:[ ]+(?:و[ ]+)?{comp})*")


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


_ZWNJ = "\u200c"
_ZW_RE = re.compile(rf"(?<=\s){_ZWNJ}+|{_ZWNJ}و{_ZWNJ}?")
_WORD_BEFORE = re.compile(rf"[{LETTER}]+$")
_WORD_AFTER = re.compile(rf"[{LETTER}]+")


def _shadow(text: str) -> tuple[str, list[int] | None]:
    """``text`` with ZWNJ that sits inside a number phrase made a space: a stray one after a space
    (``یک ‌هزار``) and the ``‌و`` of ``بیست‌وپنج`` (-> ``بیست و پنج``). Returns the new text and, when
    it changed, the offset in ``text`` of each of its characters (plus one past the end)."""
    if _ZWNJ not in text:
        return text, None
    nw = lexicon.number_words()
    parts: list[str] = []
    idx: list[int] = []
    i = 0
    for m in _ZW_RE.finditer(text):
        s, e = m.span()
        if m.group().startswith(_ZWNJ + "و"):
            before = _WORD_BEFORE.search(text, max(0, s - 12), s)
            after = _WORD_AFTER.match(text, e)
            if not (before and after and before.group() in nw and after.group() in nw):
                continue
            rep, where = " و ", [s, s + 1, e - 1]
        else:
            rep, where = " " * (e - s), list(range(s, e))
        parts.append(text[i:s])
        idx.extend(range(i, s))
        parts.append(rep)
        idx.extend(where)
        i = e
    if not parts:
        return text, None
    parts.append(text[i:])
    idx.extend(range(i, len(text)))
    idx.append(len(text))
    return "".join(parts), idx


_DENOMINATORS = {"دهم": 10, "صدم": 100, "هزارم": 1000}
_DENOM_RE = re.compile(rf"[ ]?(دهم|صدم|هزارم){_NB}")
_AND_RE = re.compile(r"[ ]+و[ ]+")
_POINT_RE = re.compile(r"[ ]+ممیز[ ]+")


def _decimals(nums: list[Number], text: str) -> list[Number]:
    """Join decimals said in words: ``پانزده و چهار دهم`` (15.4), ``۳ و ۲۵ صدم`` (3.25),
    ``چهار دهم`` (0.4) and ``۱۲ ممیز ۵`` (12.5)."""
    out: list[Number] = []
    for num in nums:
        prev = out[-1] if out else None
        gap = text[prev.end:num.start] if prev else ""
        # «۱۲ ممیز ۵»: the digits after the point give its places
        if prev and _POINT_RE.fullmatch(gap) and prev.is_int and not prev.scaled and num.is_int and not num.scaled:
            digits = num.text if not num.words else str(int(num.value))
            value = prev.value + num.value / 10 ** len(digits)
            out[-1] = Number(prev.start, num.end, value, prev.words or num.words, False, text[prev.start:num.end])
            continue
        m = _DENOM_RE.match(text, num.end)
        if not m or num.scaled:
            out.append(num)
            continue
        denom = _DENOMINATORS[m.group(1)]
        if not num.is_int:
            # «5/7 صدم درصد» = 0.057
            if num.value < denom and not num.words:
                out.append(Number(num.start, m.end(), num.value / denom, False, False, text[num.start:m.end()]))
            else:
                out.append(num)
            continue
        whole, numer, start = 0.0, num.value, num.start
        if num.value >= denom:
            # «بیست و چهار دهم» = 20.4: the part after the last «و» is the numerator
            k = num.text.rfind(" و ")
            left = _split(text, num.start, num.start + k) if k > 0 else []
            right = _split(text, num.start + k + 3, num.end) if k > 0 else []
            if not (len(left) == 1 and len(right) == 1 and right[0].value < denom and right[0].value > 0):
                out.append(num)
                continue
            whole, numer = left[0].value, right[0].value
        elif prev and _AND_RE.fullmatch(gap) and prev.is_int and not prev.scaled:
            whole, start = prev.value, prev.start
            out.pop()
        if numer <= 0:
            out.append(num)
            continue
        out.append(Number(start, m.end(), whole + numer / denom, True, False, text[start:m.end()]))
    return out


def find_numbers(text: str) -> list[Number]:
    """All number expressions in normalised ``text``, left to right."""
    shadow, idx = _shadow(text)
    found: list[Number] = []
    for m in _pattern().finditer(shadow):
        found.extend(_split(shadow, m.start(), m.end()))
    found = _decimals(found, shadow)
    out: list[Number] = []
    for num in found:
        if _is_noise(num, shadow) or not (0 <= num.value <= MAX_VALUE):  # also drops inf and nan
            continue
        if idx is not None:
            s, e = idx[num.start], idx[num.end - 1] + 1
            num = Number(s, e, num.value, num.words, num.scaled, text[s:e], num.scale)
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
        return not _nine_is_number(num, text)
    if t == "ده":
        nxt = text[num.end:num.end + 6]
        return not nxt.startswith(" ")
    return False


# nouns that a number is said with besides the counted nouns and currencies: «نه ماه», «نه مورد»
_MEASURES = ("درصد", "در صد", "%", "ماه", "سال", "روز", "هفته", "ساعت", "دقیقه", "مورد", "بار", "نوع", "عدد",
             "دستگاه", "واحد", "مرکز", "استان", "شهرستان", "شهر", "روستا", "کشور", "طرح", "پروژه", "برنامه", "تن",
             "کیلو", "کیلوگرم", "گرم", "متر", "کیلومتر", "هکتار", "لیتر", "قلم", "باب", "فقره", "جلد", "دوره",
             "کلاس", "مدرسه", "گروه", "سازمان", "شرکت", "کارگاه", "رتبه", "امتیاز", "سانتی‌متر", "سانتیمتر")
_NINE_NOT_BEFORE = {"خیر"}  # «نه خیر»: no
_NEG_NEIGHBOUR = re.compile(rf"{_PB}(?:نه|بلکه){_NB}")


@lru_cache(maxsize=1)
def _nine_next_re() -> re.Pattern:
    nouns = set(lexicon.count_nouns()) | set(lexicon.currencies()) | set(_MEASURES)
    alt = "|".join(map(re.escape, sorted(nouns, key=len, reverse=True)))
    # the noun singular, as after any Persian numeral: «نه کارگران» is "not the workers"
    # (and «نه تنها», "not only", must not read as «تن»)
    return re.compile(rf"[ ]?(?:{alt})(?![{LETTER}\u200c])")


def _nine_is_number(num: Number, text: str) -> bool:
    """``نه`` alone is nine when a counted noun, currency or measure follows it (``نه نفر``, ``نه ماه``),
    unless it pairs with another ``نه`` or a ``بلکه`` (``نه ... نه``: neither ... nor; ``نه ... بلکه``)."""
    m = _nine_next_re().match(text, num.end)
    if not m or m.group().strip() in _NINE_NOT_BEFORE:
        return False
    if re.search(r"[،,؛;:]\s*$", text[max(0, num.start - 3):num.start]):
        return False  # «... به سود مالکان است، نه کارگر»: a contrast
    window = text[max(0, num.start - 40):num.start] + " " + text[num.end:num.end + 40]
    return not _NEG_NEIGHBOUR.search(window)

"""Shared pieces of the quantity stages (amounts, head counts, percentages):
qualifiers such as ``بیش از`` / ``حدود`` and ranges such as ``۲۰۰ تا ۶۰۰ هزار``."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from welfare_nlp.text import lexicon
from welfare_nlp.text.numerals import Number

RANGE_JOIN = re.compile(r"\s*(?:تا|الی|-|یا|الى)\s*$")
_BETWEEN = re.compile(r"(?:^|\s)بین\s+$")
_AND = re.compile(r"\s+و\s+")


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int              # end of the (last) number
    value: float
    max: float | None
    numbers: tuple[Number, ...]


@lru_cache(maxsize=1)
def _qualifier_patterns() -> tuple[re.Pattern, re.Pattern]:
    rows = lexicon.qualifiers()
    before = sorted((r for r in rows if r["position"] == "before"), key=lambda r: len(r["phrase"]), reverse=True)
    after = sorted((r for r in rows if r["position"] == "after"), key=lambda r: len(r["phrase"]), reverse=True)
    pb = re.compile("(?:^|(?<=\\s))(" + "|".join(re.escape(r["phrase"]) for r in before) + ")\\s+$")
    pa = re.compile("^\\s+(" + "|".join(re.escape(r["phrase"]) for r in after) + ")(?!\\w)")
    return pb, pa


@lru_cache(maxsize=1)
def _qualifier_map() -> dict[tuple[str, str], str]:
    return {(r["phrase"], r["position"]): r["qualifier"] for r in lexicon.qualifiers()}


def qualifier_before(text: str, start: int) -> tuple[str | None, int]:
    """The qualifier that ends right before ``start`` and where it starts."""
    pb, _ = _qualifier_patterns()
    window_start = max(0, start - 30)
    m = pb.search(text, window_start, start)
    if not m:
        return None, start
    return _qualifier_map()[(m.group(1), "before")], m.start(1)


def qualifier_after(text: str, end: int) -> tuple[str | None, int]:
    _, pa = _qualifier_patterns()
    m = pa.match(text[end:end + 30])
    if not m:
        return None, end
    return _qualifier_map()[(m.group(1), "after")], end + m.end(1)


_YEAR_BEFORE = re.compile(r"(?:^|\s)(?:سال|سالهای|سال‌های|بودجه)\s+$")
_UNIT = re.compile(r"(?:درصد|%|نفر|تومان|ریال|دلار|یورو|هزار|میلیون|میلیارد|همت)")
_MONEY_AFTER = re.compile(r"\s?(?:هزار|میلیون|میلیارد|تومان|ریال|دلار|یورو|همت)")
_HOTLINE = re.compile(r"تماس|تلفن|شماره|خط|سامانه|اورژانس|پیامک|کد|کدخبر|کووید|کوید")  # «کووید 19»: a name


_PERIOD_YEAR = re.compile(r"(?:^|\s)ماهه\s+$")


@lru_cache(maxsize=1)
def _month_re() -> re.Pattern:
    names = "|".join(sorted(map(re.escape, lexicon.months()), key=len, reverse=True))
    return re.compile(rf"(?:^|\s|\d)(?:{names})(?:\s?\u200c?ماه)?\s*(?:سال\s+)?$")


def _month_before(text: str, start: int) -> bool:
    return bool(_month_re().search(text, max(0, start - 20), start))


def is_year_or_code(num: Number, text: str) -> bool:
    """``سال 95`` is a year; ``با 123 تلفن`` / ``سامانه ۱۴۸۰`` is a hotline, ``کد 12`` a code."""
    if num.words:
        return False
    if 1300 <= num.value <= 1499 and num.is_int and _month_before(text, num.start):
        return True  # «۱۵ بهمن ماه 1398 وزیر اقتصاد»: the year of a date
    if _PERIOD_YEAR.search(text, max(0, num.start - 8), num.start) and (num.value < 100 or 1300 <= num.value <= 1499):
        return True  # «در 9 ماهه 98»: the first nine months of 1398
    yb = _YEAR_BEFORE.search(text, max(0, num.start - 12), num.start)
    if yb:
        # «بودجه ۵۰ همت» / «بودجه ۳۰۰ میلیارد تومانی» is money, «بودجه 98» a year
        return not (yb.group().strip() == "بودجه" and _MONEY_AFTER.match(text, num.end))
    if num.value < 100000 and float(num.value).is_integer():
        before = text[max(0, num.start - 25):num.start].split()[-2:]
        after = text[num.end:num.end + 25].split()[:1]
        if after and _UNIT.match(after[0]):
            return False  # «اورژانس اجتماعی ۱۸ درصد» is a percentage, not a hotline
        if any(_HOTLINE.fullmatch(w) or (w.startswith(("سامانه", "شماره")) and len(w) < 9) for w in before + after):
            return True
    return False


def quantities(numbers: list[Number], text: str) -> Iterator[Quantity]:
    """Numbers, with ``A تا B`` / ``A یا B`` / ``A - B`` / ``بین A و B`` pairs merged into ranges.

    In a range the lower bound borrows the upper bound's scale when it has none of its
    own: ``۲۰۰ تا ۶۰۰ هزار`` is 200,000 to 600,000.
    """
    numbers = [n for n in numbers if not is_year_or_code(n, text)]
    i = 0
    while i < len(numbers):
        n = numbers[i]
        if i + 1 < len(numbers):
            m = numbers[i + 1]
            between = text[n.end:m.start]
            joined = len(between) <= 6 and RANGE_JOIN.match(between) and between.strip()
            # «بین ۲۰ و ۳۰ درصد»: «بین A و B» is a range too
            joined = joined or (_AND.fullmatch(between) and _BETWEEN.search(text, max(0, n.start - 6), n.start))
            if joined:
                low = n.value
                if not n.scaled and m.scale > 1 and n.value * m.scale <= m.value:
                    low = n.value * m.scale
                if low < m.value:
                    yield Quantity(n.start, m.end, low, m.value, (n, m))
                    i += 2
                    continue
        yield Quantity(n.start, n.end, n.value, None, (n,))
        i += 1


def qualify(text: str, q: Quantity, end: int) -> tuple[str | None, int, int]:
    """Qualifier of a quantity: ``range`` for ranges, else from the words around it.

    Returns (qualifier, start, end) where start/end widen the span to include the qualifier words.
    """
    if q.max is not None:
        _, qs = qualifier_before(text, q.start)
        return "range", qs, end
    qual, qs = qualifier_before(text, q.start)
    if qual:
        return qual, qs, end
    qual, qe = qualifier_after(text, end)
    if qual:
        return qual, q.start, qe
    return None, q.start, end

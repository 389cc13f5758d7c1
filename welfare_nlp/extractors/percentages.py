"""Percentages: ``60درصد``, ``6/14 %`` (= 6.14), ``٪۱۲``, ``۳۰ تا ۴۰ درصد`` (one item with max),
decimals said in words (``پانزده و چهار دهم درصد`` = 15.4, ``۳ و ۲۵ صدم درصد`` = 3.25), ``صددرصد`` (100)
and the start of a change ``از ۱۲ به ۱۵ درصد`` (12 and 15: the unit said once serves both)."""
from __future__ import annotations

import re

from welfare_nlp.text.context import DocContext, Found
from welfare_nlp.text.normalize import LETTER

NAME = "percentages"
_AFTER = re.compile(rf"\s?(?:درصد|در صد|%)(?:ی|‌ای)?(?![{LETTER}])")
_BEFORE = re.compile(r"%\s?$")
_HUNDRED = re.compile(rf"(?<![{LETTER}\u200c])صد\u200c?در\u200c?صد(?:ی|‌ای)?(?![{LETTER}])")
_FROM = re.compile(r"(?:^|\s)از\s+$")
_TO = re.compile(r"\s+به\s+")


def extract(ctx: DocContext) -> list[Found]:
    text = ctx.body
    out: list[Found] = []
    prev = None
    for q in ctx.quantities:
        last, prev = prev, q
        m = _AFTER.match(text, q.end)
        end = m.end() if m else None
        start = q.start
        if m is None and q.max is None:
            b = _BEFORE.search(text, max(0, q.start - 2), q.start)
            if b and not text[max(0, b.start() - 1):b.start()].strip().isdigit():
                start, end = b.start(), q.end
        if end is None:
            continue
        if (last is not None and last.max is None and _TO.fullmatch(text, last.end, q.start)
                and _FROM.search(text, max(0, last.start - 6), last.start)
                and not (out and out[-1].end > last.start)):
            # «از ۱۲ به ۱۵ درصد رسید»: the first number is a percentage too
            out.append(Found("percentage", last.start, last.end, {"value": last.value},
                             source="rule:percentages.from_to", score=0.9))
        data = {"value": q.value}
        if q.max is not None:
            data["max"] = q.max
        out.append(Found("percentage", start, end, data, source="rule:percentages.number_percent", score=0.97))
    for m in _HUNDRED.finditer(text):
        out.append(Found("percentage", m.start(), m.end(), {"value": 100.0},
                         source="rule:percentages.hundred", score=0.95))
    out.sort(key=lambda f: f.start)
    return out

"""Percentages: ``60درصد``, ``6/14 %`` (= 6.14), ``٪۱۲``, ``۳۰ تا ۴۰ درصد`` (one item with max)."""
from __future__ import annotations

import re

from .context import DocContext, Found
from .normalize import LETTER
from .quantities import quantities

NAME = "percentages"
_AFTER = re.compile(rf"\s?(?:درصد|در صد|%)(?:ی|‌ای)?(?![{LETTER}])")
_BEFORE = re.compile(r"%\s?$")


def extract(ctx: DocContext) -> list[Found]:
    text = ctx.body
    out: list[Found] = []
    for q in quantities(ctx.numbers, text):
        m = _AFTER.match(text, q.end)
        end = m.end() if m else None
        start = q.start
        if m is None and q.max is None:
            b = _BEFORE.search(text, max(0, q.start - 2), q.start)
            if b and not text[max(0, b.start() - 1):b.start()].strip().isdigit():
                start, end = b.start(), q.end
        if end is None:
            continue
        data = {"value": q.value}
        if q.max is not None:
            data["max"] = q.max
        out.append(Found("percentage", start, end, data, source="rule:percentages.number_percent", score=0.97))
    return out

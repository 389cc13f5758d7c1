"""Head counts: numbers of people or households, with the counted noun.

``۵۰۰ تسهیلگر``, ``۳۵ نفر تسهیلگر``, ``600نفر از بانوان سرپرست خانواده``, ``یک یا دو نفر``.
Not head counts: hotline numbers and codes (no counted noun follows), years, ages,
counts of things (``18 کارگروه``), group-size classes (``خانوار پنج نفره``), ratios
(``یک نفر از هر 8 نفر``), place thresholds (``شهرهای زیر ۲۰ هزار نفر``) and a lone
``یک نفر``.
"""
from __future__ import annotations

import re
from functools import lru_cache

from . import lexicon
from .context import DocContext, Found
from .normalize import LETTER
from .quantities import qualify, quantities

NAME = "head_counts"
_PLURAL = "(?:ان|ین|یان|ها|‌ها|های|‌های|ی|‌ای)?"
_PLACE_THRESHOLD = re.compile(r"(?:شهر|روستا|شهرستان|منطقه|مناطق|استان|واحد|بخش)\S*\s+(?:زیر|بالای|بیش از|کمتر از)\s+$")
_DISTRIBUTIVE = re.compile(r"(?:^|\s)(?:هر|از هر|به ازای هر|در هر)\s+$")


@lru_cache(maxsize=1)
def _noun_re() -> re.Pattern:
    nouns = sorted(lexicon.count_nouns(), key=len, reverse=True)
    alt = "|".join(re.escape(n) for n in nouns)
    return re.compile(rf"\s?({alt}){_PLURAL}(?![{LETTER}‌])")


def _noun_at(text: str, pos: int):
    m = _noun_re().match(text, pos)
    if not m:
        return None
    return m, lexicon.count_nouns()[m.group(1)]


def extract(ctx: DocContext) -> list[Found]:
    text = ctx.body
    out: list[Found] = []
    for q in quantities(ctx.numbers, text):
        hit = _noun_at(text, q.end)
        if not hit:
            continue
        m, kind = hit
        noun, end = m.group(1), m.end()
        if noun in ("نفر", "تن"):
            # ``۳۵ نفر تسهیلگر`` / ``600 نفر از بانوان ...``: the counted noun follows
            after = re.match(r"\s(?:از\s)?", text[end:end + 4])
            nxt = _noun_at(text, end + (after.end() - 1 if after else 0)) if after else None
            if nxt and nxt[0].group(1) not in ("نفر", "تن"):
                noun, end = nxt[0].group(1), nxt[0].end()
            elif noun == "تن":
                continue  # tonnes unless a person noun follows
        if q.max is None and q.value == 1:
            continue
        if q.value <= 0 or not float(q.value).is_integer() and q.value < 1000:
            continue
        before = text[max(0, q.start - 40):q.start]
        if _DISTRIBUTIVE.search(before) or _PLACE_THRESHOLD.search(before):
            continue
        qualifier, start, qend = qualify(text, q, end)
        data = {"value": q.value, "noun": noun, "qualifier": qualifier,
                "unit": "household" if kind == "household" else "person"}
        if q.max is not None:
            data["max"] = q.max
        out.append(Found("head_count", start, max(end, qend), data,
                         source="rule:head_counts.number_noun", score=0.9))
    return out

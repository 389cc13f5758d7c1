"""Trailing web boilerplate: comment boxes, captchas, tags, ``کد خبر`` lines.

``body_end(text)`` is the offset where the press release ends: the start of the first short
line that opens a boilerplate block (``کد خبر ...``, ``برچسب‌ها``, ``نظر شما``,
``شما در حال پاسخ به نظر``, ``8 + 7 =``, ``خدمات الکترونیک پرکاربرد`` ...), looked for only
in the last part of the document so that a body sentence starting with ``نظرات`` is safe.
Nothing after it yields items.
"""
from __future__ import annotations

import re
from functools import lru_cache

from welfare_nlp.text import lexicon
from welfare_nlp.text.context import DocContext

NAME = "boilerplate"
MAX_LINE = 70


@lru_cache(maxsize=1)
def _cut_re() -> re.Pattern:
    pats = [p for kind, p in lexicon.boilerplate() if kind == "cut"]
    return re.compile(r"^\s*(?:" + "|".join(pats) + ")", re.M)


def body_end(text: str) -> int:
    cut = _cut_re()
    # only the second half of the text (or its last 1500 characters) can be a trailer
    floor = max(len(text) // 2, len(text) - 1500)
    for m in cut.finditer(text, floor):
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.start())
        line_end = len(text) if line_end < 0 else line_end
        if line_end - line_start <= MAX_LINE:
            return line_start
    # a dangling one-letter last line (a truncated widget) is not text either
    tail = re.search(r"\n\s*\S\s*$", text)
    if tail and len(text) > 200:
        return tail.start()
    return len(text)


def apply(ctx: DocContext) -> DocContext:
    ctx.body_end = body_end(ctx.text)
    return ctx

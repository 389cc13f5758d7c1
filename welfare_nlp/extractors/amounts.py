"""Money amounts: a number followed by a currency word (تومان, ریال, دلار, یورو ...).

``۳۶۰ میلیارد تومان`` -> 360e9 IRT; ``بیش از ...`` more_than; ``حدود ...`` about;
``تا سقف ...`` less_than; ``۲۰۰ تا ۶۰۰ هزار تومان`` range with ``max``. Adjectival forms
(``۴۲۰۰ تومانی``) are per-unit prices and count; a number without a currency word
(``۳۰۰ میلیارد اعتبار``) is not an amount. A currency word may carry a scale: ``۵۰ همت``
(hezar-e milliard toman) is 50 * 10**12 toman (``currencies.tsv``, column ``scale``).
"""
from __future__ import annotations

import re
from functools import lru_cache

from welfare_nlp.text import lexicon
from welfare_nlp.text.context import DocContext, Found
from welfare_nlp.text.normalize import LETTER
from welfare_nlp.text.quantities import qualify

NAME = "amounts"


@lru_cache(maxsize=1)
def _currency_re() -> re.Pattern:
    words = sorted(lexicon.currencies(), key=len, reverse=True)
    return re.compile(r"\s?(" + "|".join(map(re.escape, words)) + rf")(?:ی|یی|‌ای)?(?![{LETTER}])")


def extract(ctx: DocContext) -> list[Found]:
    text = ctx.body
    cur_re = _currency_re()
    out: list[Found] = []
    for q in ctx.quantities:
        m = cur_re.match(text, q.end)
        if not m:
            continue
        code = lexicon.currencies()[m.group(1)]
        scale = lexicon.currency_scales()[m.group(1)]
        qualifier, start, end = qualify(text, q, m.end())
        data = {"value": q.value * scale, "currency": code, "qualifier": qualifier}
        if q.max is not None:
            data["max"] = q.max * scale
        out.append(Found("amount", start, end, data, source="rule:amounts.number_currency",
                         score=0.95 if not q.numbers[0].words else 0.9))
    return out

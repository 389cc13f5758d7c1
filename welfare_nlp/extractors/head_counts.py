"""Head counts: numbers of people or households, with the counted noun.

``۵۰۰ تسهیلگر``, ``۳۵ نفر تسهیلگر``, ``600نفر از بانوان سرپرست خانواده``, ``یک یا دو نفر``.
Not head counts: hotline numbers and codes (no counted noun follows), years, ages,
counts of things (``18 کارگروه``), group-size classes (``خانوار پنج نفره``), ratios
(``یک نفر از هر 8 نفر``, ``۳۹ نفر در مقابل یک نفر``), place thresholds (``شهرهای زیر ۲۰ هزار نفر``),
size classes of firms and places (``کارگاه‌های زیر ۱۰ نفر``, ``واحدهای صنعتی بین 50 تا 200 نفر``,
``بالاتر از 10 نفر کارکن``, ``کارگاه‌های کوچک با پنج نفر کارکن``, ``روستای ۲۰ خانواری``), household
sizes (``بعد خانوار ۴ نفر``), averages (``میانگین اشتغال دو نفر``) and a lone ``یک نفر``.

``تن`` is people only where the text says so: a person noun follows (``۱۱۲ تن زن``, ``۵ تن از کارکنان``)
or death, injury or ``دیگر`` (``۱۲ تن کشته``, ``۲۰ تن بر اثر تصادف``, ``سه تن دیگر``); otherwise it is
tonnes (``۲۰ تن برنج``).
"""
from __future__ import annotations

import re
from functools import lru_cache

from welfare_nlp.text import lexicon
from welfare_nlp.text.context import DocContext, Found
from welfare_nlp.text.normalize import LETTER
from welfare_nlp.text.quantities import qualify

NAME = "head_counts"
_PLURAL = "(?:ان|ین|یان|ها|‌ها|های|‌های|ی|‌ای)?"
# «شهر زیر ۲۰ هزار نفر» (a threshold; «در استان‌ها بیش از ۵۰۰ نفر» is a count)
_PLACE_THRESHOLD = re.compile(r"(?:شهر|روستا|شهرستان|منطقه|مناطق|استان|واحد|بخش|کارگاه)\s+(?:زیر|بالای)\s+$")
_DISTRIBUTIVE = re.compile(r"(?:^|\s)(?:هر|از هر|به ازای هر|در هر)\s+$")
# «به ازای هر 1000 نفر 22 نفر»: the numerator of a ratio
_PER_BEFORE = re.compile(r"(?:^|\s)هر\s+\S+(?:\s+هزار)?\s+(?:نفر|تن|خانوار)\S*\s*[،,]?\s*$")
# size classes: «کارگاه‌های (کوچک) زیر ۱۰ نفر», «واحدهای صنعتی بین 50 تا 200 نفر», «روستای 20 خانواری»
_PLACES = (r"(?:شهر|روستا|شهرستان|منطقه|مناطق|استان|واحد|بخش|کارگاه|بنگاه|شرکت|کارخانه|موسسه|مؤسسه|مرکز|مراکز"
           r"|مدرسه|مدارس|خانوار|خانواده|آبادی|بیمارستان)")
_COMPARE = r"(?:زیر|بالای|بالاتر از|بیش از|بیشتر از|کمتر از|کم‌تر از|بین|با|دارای|تا|حداقل|حداکثر)"
_COMPARE_STRICT = r"(?:زیر|بالای|بالاتر از|کمتر از|کم‌تر از|بین|با)"
_PL = rf"(?<![{LETTER}\u200c])"
# the place noun with its ezafe (``شهرهای``, ``روستای``): «در استان‌ها بیش از ۵۰۰ نفر» is a count
_CLASS_AFTER_PLACE = re.compile(rf"{_PL}{_PLACES}(?:‌?های|ی|‌ای)\s+(?:(?P<cmp>{_COMPARE})\s+)?$")
# plural with an adjective: «کارگاه‌های کوچک با پنج نفر» is a class, «مرکز فشافویه با ۵ هزار نفر» a count
_CLASS_AFTER_PLACE_ADJ = re.compile(rf"{_PL}{_PLACES}‌?ها(?:ی)?\s+[^\s\d]+\s+(?P<cmp>{_COMPARE_STRICT})\s+$")
_STAFF_COMPARE = re.compile(r"(?:^|\s)(?:زیر|بالای|بالاتر از|کمتر از|کم‌تر از|با|بین|دارای)\s+$")
_STAFF_AFTER = re.compile(r"\s+(?:و|یا)\s+(?:بیشتر|بالاتر|کمتر|کم‌تر)")
_HOUSEHOLD_SIZE = re.compile(r"(?:بعد|بُعد|اندازه)\s+(?:خانوار|خانواده)\s+$")
# the average size of a unit («میانگین اشتغال دو نفر»), not «روزانه به طور متوسط ۶۰ نفر ... جان می‌دهند»
_AVERAGE = re.compile(r"(?:میانگین|متوسط)\s+(?:اشتغال|کارکنان|کارکن|شاغلان|شاغلین|بعد|اعضای|تعداد اعضای|جمعیت)\s+$")
_RATIO_AFTER = re.compile(r"\s+(?:در مقابل|در برابر|به ازای|نسبت به)\s+(?:هر\s+)?(?:یک|1)\s+(?:نفر|تن)")
# «تن» is people when death, injury or «دیگر» follows it, or «از» and a group of people
_TON_PEOPLE_AFTER = re.compile(
    r"\s*(?:دیگر|کشته|جان|فوت|مجروح|زخمی|مصدوم|شهید|براثر|بر اثر|در اثر|به دلیل|به علت|از\s+(?:اعضا|افراد|مسئول"
    r"|مسئولین|مسئولان|سرنشین|مسافر|هموطن|مردم|شهروند|اتباع|آنان|آنها|ایشان|این افراد|همکاران|مدیران|کارکنان))")


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


def _is_class(text: str, start: int, m: re.Match, noun: str, end: int) -> bool:
    """A size class, a household size or an average, not a count of people."""
    before = text[max(0, start - 50):start]
    if _HOUSEHOLD_SIZE.search(before) or _AVERAGE.search(before):
        return True
    if _CLASS_AFTER_PLACE_ADJ.search(before):
        return True  # «واحدهای صنعتی بین 50 تا 200 نفر», «کارگاه‌های کوچک با پنج نفر»
    c = _CLASS_AFTER_PLACE.search(before)
    if c:
        # «کارگاه‌های زیر ۱۰ نفر», «روستای ۲۰ خانواری» (the counted noun made an adjective: -ی)
        if c.group("cmp") or text[m.end(1):m.end()] in ("‌ای", "ی"):
            return True
    # «بالاتر از 10 نفر کارکن», «با پنج نفر کارکن», «۱۰ نفر کارکن و بیشتر»: the staff size of a firm
    if noun == "کارکن" and (_STAFF_COMPARE.search(before) or _STAFF_AFTER.match(text, end)):
        return True
    return False


def extract(ctx: DocContext) -> list[Found]:
    text = ctx.body
    out: list[Found] = []
    for q in ctx.quantities:
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
            elif noun == "تن" and not _TON_PEOPLE_AFTER.match(text, end):
                continue  # tonnes unless the words after make them people
        if q.max is None and q.value == 1:
            continue
        if q.value <= 0 or not float(q.value).is_integer() and q.value < 1000:
            continue
        before = text[max(0, q.start - 40):q.start]
        if (_DISTRIBUTIVE.search(before) or _PER_BEFORE.search(before) or _PLACE_THRESHOLD.search(before)
                or _is_class(text, q.start, m, noun, end)):
            continue
        if _RATIO_AFTER.match(text, end):
            continue  # «۳۹ نفر در مقابل یک نفر»: a ratio
        qualifier, start, qend = qualify(text, q, end)
        data = {"value": q.value, "noun": noun, "qualifier": qualifier,
                "unit": "household" if kind == "household" else "person"}
        if q.max is not None:
            data["max"] = q.max
        out.append(Found("head_count", start, max(end, qend), data,
                         source="rule:head_counts.number_noun", score=0.9))
    return out

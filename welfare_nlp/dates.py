"""Jalali dates: ``۱۲ دیماه``, ``13 و 14 شهریور ماه``, ``24 تا 30 تیرماه``, ``پنجم دی ماه سال 82``,
``اول فروردین 1383``, ``آذرماه سال ۱۳۸۹``, ``سال 98`` (= 1398), ``1398/06/13``, ``۴/ ۱۲/ ۱۳۹۲``,
and a month alone when the text marks it as a month (``از ابتدای بهمن ماه``, ``اواخر آذر``).

Each date is ``{year, month, day}`` with unknown parts None; each distinct date is kept once
per document. ``iso`` is the Gregorian date (jdatetime) when year, month and day are known; when
the year is not stated but the publication date is, ``anchored_year`` is the latest year that
puts the date no later than the publication date plus 31 days, and ``iso`` uses it.
"""
from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache

from . import lexicon
from .context import DocContext, Found
from .normalize import LETTER

NAME = "dates"
_B = rf"(?<![{LETTER}‌\d])"
_E = rf"(?![{LETTER}\d])"
_MONTH_CUE_BEFORE = re.compile(
    r"(?:ابتدای|اوایل|اواسط|اواخر|پایان|انتهای|نیمه|نیمه اول|نیمه دوم|طی|ماه|روز|روزهای|از|تا|در|سفر|اول|آخر|آخرین|ماه‌های|ماههای)\s+$")
_MONTH_CUE_AFTER = re.compile(r"\s*(?:ماه|امسال|سال|گذشته|آینده|جاری|‌ماه)(?![{L}])".replace("{L}", LETTER))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    months = "|".join(sorted(map(re.escape, lexicon.months()), key=len, reverse=True))
    ordinals = "|".join(sorted(map(re.escape, lexicon.ordinals()), key=len, reverse=True))
    day = rf"(?:\d{{1,2}}|(?:{ordinals})(?:ین)?(?:\s+روز)?)"
    month = rf"(?P<month>{months})(?:\s?‌?ماه)?{_E}"
    year = r"(?:\s+(?:سال\s+)?(?P<year>1[2-4]\d\d|\d\d)(?!\d)(?!\s*(?:نفر|درصد|تومان|ریال|میلیون|میلیارد|هزار)))?"
    days = rf"(?P<days>{day}(?:\s*(?:و|تا|الی|-|،)\s*{day})*)"
    return {
        "dmy": re.compile(rf"{_B}{days}\s*\.?\s*{month}{year}"),
        "my": re.compile(rf"{_B}{month}{year}"),
        "years": re.compile(rf"{_B}(?:سال|سالهای|سال‌های|بودجه|بودجه سال)\s+(?P<years>(?:1[2-4]\d\d|\d\d)(?:\s*(?:و|تا|-|،)\s*(?:1[2-4]\d\d|\d\d))*)(?!\d)(?![/.]\d)(?!\s*(?:نفر|درصد|تومان|ریال|میلیون|میلیارد|هزار|سال))"),
        "ymd": re.compile(r"(?<![\d/])(1[2-4]\d\d)\s?/\s?(\d{1,2})\s?/\s?(\d{1,2})(?![\d/])"),
        "dmy_num": re.compile(r"(?<![\d/])(\d{1,2})\s?/\s?(\d{1,2})\s?/\s?(1[2-4]\d\d)(?![\d/])"),
        "day_token": re.compile(rf"\d{{1,2}}|(?:{ordinals})"),
    }


def _year(token: str | None) -> int | None:
    if not token:
        return None
    y = int(token)
    if y < 100:
        return 1300 + y
    return y if 1200 <= y <= 1499 else None


def _day(token: str) -> int | None:
    token = token.strip()
    if token.isdigit():
        return int(token)
    for suffix in ("ین",):
        if token.endswith(suffix) and token[: -len(suffix)] in lexicon.ordinals():
            token = token[: -len(suffix)]
    return lexicon.ordinals().get(token)


def _valid(y, m, d) -> bool:
    return (m is None or 1 <= m <= 12) and (d is None or 1 <= d <= 31) and (y is None or 1200 <= y <= 1499)


def anchor_year(month: int, day: int | None, published: _dt.date) -> int:
    """The Jalali year that puts month/day no later than about a month after ``published``."""
    import jdatetime

    pub = jdatetime.date.fromgregorian(date=published)
    year = pub.year
    limit = published + _dt.timedelta(days=31)
    try:
        if jdatetime.date(year, month, day or 1).togregorian() > limit:
            year -= 1
    except ValueError:
        pass
    return year


def to_iso(year: int | None, month: int | None, day: int | None) -> str | None:
    if year is None or month is None or day is None:
        return None
    import jdatetime

    try:
        return jdatetime.date(year, month, day).togregorian().isoformat()
    except ValueError:
        return None


def _item(y, m, d, start, end, source, score=0.95) -> Found:
    return Found("date", start, end, {"year": y, "month": m, "day": d}, source=source, score=score)


def extract(ctx: DocContext) -> list[Found]:
    text = ctx.body
    pats = _patterns()
    months = lexicon.months()
    out: list[Found] = []
    taken: list[tuple[int, int]] = []

    def free(s, e):
        return not any(s < te and ts < e for ts, te in taken)

    for key in ("ymd", "dmy_num"):
        for m in pats[key].finditer(text):
            if key == "ymd":
                y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
            else:
                d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if _valid(y, mo, d):
                out.append(_item(y, mo, d, m.start(), m.end(), f"rule:dates.{key}", 0.97))
                taken.append(m.span())
    for m in pats["dmy"].finditer(text):
        if not free(*m.span()):
            continue
        mo = months[m.group("month")][0]
        y = _year(m.group("year"))
        days = [_day(t) for t in pats["day_token"].findall(m.group("days"))]
        days = [d for d in days if d is not None]
        if not days or not all(_valid(y, mo, d) for d in days):
            continue
        for d in days:
            out.append(_item(y, mo, d, m.start(), m.end(), "rule:dates.day_month"))
        taken.append(m.span())
    for m in pats["my"].finditer(text):
        if not free(*m.span()):
            continue
        name = m.group("month")
        mo, ambiguous = months[name]
        y = _year(m.group("year"))
        explicit = text[m.end("month"):m.end()].lstrip().startswith("ماه") or "ماه" in text[m.end("month"):m.end("month") + 5]
        before = text[max(0, m.start() - 20):m.start()]
        after = text[m.end("month"):m.end("month") + 12]
        if y is None and not explicit:
            cue = _MONTH_CUE_BEFORE.search(before) or _MONTH_CUE_AFTER.match(after)
            if ambiguous and not cue:
                continue
            if not ambiguous and not cue and not re.match(r"\s", after or " "):
                continue
        out.append(_item(y, mo, None, m.start(), m.end(), "rule:dates.month", 0.85 if y is None else 0.93))
        taken.append(m.span())
    for m in pats["years"].finditer(text):
        if not free(*m.span()):
            continue
        for tok in re.findall(r"\d+", m.group("years")):
            y = _year(tok)
            if y is not None:
                out.append(_item(y, None, None, m.start(), m.end(), "rule:dates.year", 0.9))
        taken.append(m.span())
    out.sort(key=lambda f: f.start)
    return _dedupe(out, ctx.published)


def _dedupe(items: list[Found], published: _dt.date | None) -> list[Found]:
    seen: dict[tuple, Found] = {}
    for it in items:
        key = (it.data["year"], it.data["month"], it.data["day"])
        if key in seen:
            seen[key].data.setdefault("mentions", []).append([it.start, it.end])
            continue
        seen[key] = it
        y, mo, d = key
        if y is None and mo is not None and published is not None:
            it.data["anchored_year"] = anchor_year(mo, d, published)
            it.data["iso"] = to_iso(it.data["anchored_year"], mo, d)
        else:
            it.data["iso"] = to_iso(y, mo, d)
    return list(seen.values())

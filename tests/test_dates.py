import datetime as dt

import pytest

CASES = [
    # text, [(year, month, day)]
    ("بعد از ظهر روز چهارشنبه  ۱۲ دیماه", [(None, 10, 12)]),
    ("به مدت دو روز  13 و 14 شهریور ماه در کرمان", [(None, 6, 13), (None, 6, 14)]),
    ("از 24 تا 30 تیرماه", [(None, 4, 24), (None, 4, 30)]),
    ("زلزله پنجم دیماه سال 82 در بم", [(1382, 10, 5)]),
    ("اول فروردین 1383", [(1383, 1, 1)]),
    ("آذرماه سال ۱۳۸۹", [(1389, 9, None)]),
    ("برای سال 98 تعهد شده است", [(1398, None, None)]),
    ("سال‌های 83 و 84", [(1383, None, None), (1384, None, None)]),
    ("تاریخ ۱۴۰۲/۰۶/۱۳", [(1402, 6, 13)]),
    ("مصوب ۴/ ۱۲/ ۱۳۹۲", [(1392, 12, 4)]),
    ("از ابتدای بهمن ماه", [(None, 11, None)]),
    ("اواخر آذر", [(None, 9, None)]),
    ("18 . آبان 1395", [(1395, 8, 18)]),
    ("ششمین روز اسفند ماه", [(None, 12, 6)]),
    ("سال 98 و باز هم سال 98", [(1398, None, None)]),
    # negatives
    ("مرکز مهر سروش", []),
    ("بهمن عبداللهی رییس اتاق تعاون", []),
    ("سال جاری و هفته آینده", []),
    ("برنامه 86", []),
    ("سال 1999 میلادی", []),
    ("بیستم مارس 2004", []),
    ("بودجه 40 میلیاردی", []),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_dates(extract, text, expected):
    got = [(d.year, d.month, d.day) for d in extract(text).dates]
    assert got == expected


def test_iso_when_year_known(extract):
    (d,) = extract("اول فروردین 1383").dates
    assert d.iso == "2004-03-20"


def test_anchored_to_publication_date(extract):
    (d,) = extract("روز چهارشنبه ۱۲ دیماه", published="2019-01-05").dates
    assert d.year is None and d.anchored_year == 1397 and d.iso == "2019-01-02"


def test_anchor_goes_back_a_year_for_future_dates(extract):
    # published in early Farvardin 1398: «12 Esfand» is the previous Jalali year
    (d,) = extract("روز ۱۲ اسفند ماه", published=dt.date(2019, 3, 25)).dates
    assert d.anchored_year == 1397

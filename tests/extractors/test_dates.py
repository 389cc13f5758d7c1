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
def test_dates(rules, text, expected):
    got = [(d.year, d.month, d.day) for d in rules(text).dates]
    assert got == expected


def test_iso_when_year_known(rules):
    (d,) = rules("اول فروردین 1383").dates
    assert d.iso == "2004-03-20"


def test_anchored_to_publication_date(rules):
    (d,) = rules("روز چهارشنبه ۱۲ دیماه", published="2019-01-05").dates
    assert d.year is None and d.anchored_year == 1397 and d.iso == "2019-01-02"


def test_anchor_goes_back_a_year_for_future_dates(rules):
    # published in early Farvardin 1398: «12 Esfand» is the previous Jalali year
    (d,) = rules("روز ۱۲ اسفند ماه", published=dt.date(2019, 3, 25)).dates
    assert d.anchored_year == 1397


ORDINALS = [
    # ordinal days from twenty-one up
    ("مراسم بیست و یکم اسفند برگزار شد", [(None, 12, 21)]),
    ("سی و یکم شهریور ماه", [(None, 6, 31)]),
    ("بیست و دوم بهمن ۱۳۵۷", [(1357, 11, 22)]),
    ("بیست‌ویکم آذر", [(None, 9, 21)]),
    ("بیست‌و‌سوم خرداد", [(None, 3, 23)]),
    ("بیست و هشتمین روز مهر ماه", [(None, 7, 28)]),
    ("در سی و یکمین روز فروردین", [(None, 1, 31)]),
    ("بیستمین روز تیر", [(None, 4, 20)]),
    ("سی‌ام آبان", [(None, 8, 30)]),
    ("نخستین روز مهر ماه", [(None, 7, 1)]),
    ("۲۱ و بیست و دوم خرداد", [(None, 3, 21), (None, 3, 22)]),
    ("در هفته اول فروردین ماه", [(None, 1, None)]),
    ("دهه دوم بهمن ماه", [(None, 11, None)]),
    ("در سال،92 اجرا شد", [(1392, None, None)]),
    ("در 10 روز نخست بهمن ماه", [(None, 11, None)]),
    ("از ابتدای سال 91 تا بیست و سوم مردادماه", [(1391, None, None), (None, 5, 23)]),
    # negatives: ordinals that are not dates, money after «بودجه»
    ("بیست و یکمین نشست شورای اشتغال", []),
    ("سی و دومین دوره مسابقات", []),
    ("بودجه ۵۰ همت است", []),
]


@pytest.mark.parametrize("text,expected", ORDINALS)
def test_ordinal_dates(rules, text, expected):
    assert [(d.year, d.month, d.day) for d in rules(text).dates] == expected


# published 5 December 2023 = 14 Azar 1402
PUB = dt.date(2023, 12, 5)
ANCHORS = [
    # text, anchored_year of its only date
    ("پرداخت وام از ابتدای بهمن ماه آغاز خواهد شد", 1402),   # a plan: the coming Bahman
    ("ثبت نام تا پایان اسفند ادامه دارد", 1402),               # a bound ahead, no past verb
    ("از ابتدای بهمن ماه ۵۰۰ تسهیلگر به کار گرفته می‌شوند", 1402),
    ("تا پایان فروردین قرار است طرح اجرا شود", 1403),          # a plan: the next Farvardin
    ("از ابتدای فروردین تاکنون ۵۰۰ نفر شناسایی شده‌اند", 1402),
    ("در مهر ماه ۵۰۰ نفر شناسایی شدند", 1402),
    ("در بهمن ماه ۵۰۰ نفر شناسایی شدند", 1401),               # past: the last Bahman
    ("بهمن ماه سال آینده", 1403),
    ("اسفند ماه امسال", 1402),
    ("دی ماه سال گذشته", 1401),
    ("برنامه سال ۱۴۰۰ از ابتدای بهمن ماه اجرا شد", 1400),    # the year the sentence states
    ("بودجه سال 98 تا پایان اسفند", 1398),
    # the past verb of saying is not the statement's tense: a plan told by someone
    ("مدیرکل توضیح داد: ثبت نام از ابتدای بهمن ماه آغاز می‌شود", 1402),
    ("مدیرکل توضیح داد: در بهمن ماه ۵۰۰ نفر شناسایی شدند", 1401),
]


@pytest.mark.parametrize("text,year", ANCHORS)
def test_anchored_year(rules, text, year):
    items = [d for d in rules(text, published=PUB).dates if d.year is None]
    assert len(items) == 1 and items[0].anchored_year == year


def test_year_of_a_full_date_carries_to_a_later_month(rules):
    rec = rules("ثبت نام از ۱۵ اسفند ۱۴۰۲ تا پایان فروردین ادامه دارد", published=PUB)
    (d,) = [d for d in rec.dates if d.year is None]
    assert (d.month, d.anchored_year) == (1, 1403)


def test_stated_year_anchors_without_publication_date(rules):
    (d,) = [d for d in rules("در سال ۱۳۹۹ از ابتدای بهمن ماه").dates if d.year is None]
    assert d.anchored_year == 1399 and d.iso is None


def test_iso_uses_the_anchor(rules):
    (d,) = rules("همایش روز بیست و یکم دی ماه برگزار خواهد شد", published=PUB).dates
    assert (d.day, d.anchored_year, d.iso) == (21, 1402, "2024-01-11")


def test_no_anchor_without_year_or_publication(rules):
    (d,) = rules("از ابتدای بهمن ماه").dates
    assert d.anchored_year is None and d.iso is None


def test_dates_of_a_list_share_a_year(rules):
    # published 19 Mordad 1402: the list runs into Mehr, which alone would read as last year's
    rec = rules("حرکت کاروان‌ها در تاریخ‌های ۳۱ مرداد، ۴ شهریور و ۲ مهر در نظر گرفته شده است",
                  published=dt.date(2023, 8, 10))
    assert [(d.month, d.day, d.anchored_year) for d in rec.dates] == [(5, 31, 1402), (6, 4, 1402), (7, 2, 1402)]


def test_range_into_the_next_year(rules):
    rec = rules("نمایشگاه از ۲۵ اسفند تا ۵ فروردین برپا خواهد بود", published=PUB)
    assert [(d.month, d.day, d.anchored_year) for d in rec.dates] == [(12, 25, 1402), (1, 5, 1403)]


def test_a_story_does_not_roll_the_year(rules):
    # an earlier month told after a full date is the same year when nothing makes it a range or a plan
    rec = rules("۲ بهمن ۱۳۹۵، آواربرداری ساختمانی که روز ۳۰ دی فروریخت به پایان رسید", published=PUB)
    (d,) = [d for d in rec.dates if d.year is None]
    assert (d.month, d.day, d.anchored_year) == (10, 30, 1395)


def test_relative_year_needs_the_publication_date(rules):
    (d,) = [d for d in rules("طرح از سال ۱۳۸۰ آغاز شد و فروردین ماه سال گذشته پایان یافت").dates
            if d.year is None]
    assert d.anchored_year is None


def test_a_later_stated_year_far_away_does_not_anchor(rules):
    text = "اگر تا قبل از بهمن ماه شرایط پذیرفته نشود، وضعیت به پیش از خرداد ۱۳۹۵ باز خواهد گشت"
    (d,) = [d for d in rules(text, published=PUB).dates if d.year is None]
    assert d.anchored_year == 1402

import pytest

CASES = [
    ("60درصد ، افراد تحت پوشش", [(60, None)]),
    ("6/14 % زنان سرپرست خانوار", [(6.14, None)]),
    ("۱۲٫۵ درصد", [(12.5, None)]),
    ("٪۱۲ رشد", [(12, None)]),
    ("۳۰ تا ۴۰ درصد", [(30, 40)]),
    ("10 الی 40 درصد", [(10, 40)]),
    ("پنجاه درصد", [(50, None)]),
    ("85% مردم", [(85, None)]),
    ("رشد 50 درصدی", [(50, None)]),
    ("5/ 2 درصد", [(5.2, None)]),
    # negatives
    ("درصد بالایی از مردم", []),
    ("در سال 95 درصد بیشتری از وام", []),
    ("چند درصد", []),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_percentages(rules, text, expected):
    got = [(p.value, p.max) for p in rules(text).percentages]
    assert got == [(pytest.approx(v), m) for v, m in expected]


MORE = [
    # decimals said in words or with digits and دهم / صدم
    ("نرخ تورم پانزده و چهار دهم درصد اعلام شد", [(15.4, None)]),
    ("رشدی معادل ۸ و ۴ دهم درصد داشت", [(8.4, None)]),
    ("سهم این بخش دو و نیم درصد است", [(2.5, None)]),
    ("کاهش ۳ و ۲۵ صدم درصدی", [(3.25, None)]),
    ("فقط چهار دهم درصد از متقاضیان", [(0.4, None)]),
    ("سهم ۱۲ ممیز ۵ درصد", [(12.5, None)]),
    ("رشد بیست و نه درصدی", [(29, None)]),
    # hundred per cent written as one word
    ("این طرح صددرصد اجرا شد", [(100, None)]),
    ("با پوشش صد درصد", [(100, None)]),
    # the start of a change shares the unit
    ("نرخ بیکاری از ۱۲ به ۹ درصد رسید", [(12, None), (9, None)]),
    ("سهم زنان از 18/5 به 21 درصد افزایش یافت", [(18.5, None), (21, None)]),
    ("بین ۲۰ و ۳۰ درصد هزینه‌ها", [(20, 30)]),
    # negatives
    ("از سال ۹۸ به ۱۲ درصد رسید", [(12, None)]),
    ("نه درصد مشخصی و نه رقم دقیقی اعلام نشد", []),
    ("در روز دهم درصد حضور بالا بود", []),
]


@pytest.mark.parametrize("text,expected", MORE)
def test_percentage_forms(rules, text, expected):
    got = [(p.value, p.max) for p in rules(text).percentages]
    assert got == [(pytest.approx(v), m) for v, m in expected]

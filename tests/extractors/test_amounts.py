import pytest

CASES = [
    # text, [(value, currency, qualifier, max)]
    ("برای شروع این کار هزار میلیارد تومان در نظر گرفته شده است", [(1e12, "IRT", None, None)]),
    ("بیش از ۳۶۰ میلیارد تومان تسهیلات پرداخت شد", [(360e9, "IRT", "more_than", None)]),
    ("بالغ بر 483 میلیارد تومان", [(483e9, "IRT", "more_than", None)]),
    ("حدود ۲ میلیون ریال", [(2e6, "IRR", "about", None)]),
    ("نزدیک به ۵۰۰ هزار تومان", [(500000, "IRT", "about", None)]),
    ("تا سقف ۱۰ میلیارد تومان وام", [(10e9, "IRT", "less_than", None)]),
    ("کمتر از ۳ هزار ریال", [(3000, "IRR", "less_than", None)]),
    ("بین ۲۰۰ تا ۶۰۰ هزار تومان", [(200000, "IRT", "range", 600000)]),
    ("ارز ۴۲۰۰ تومانی", [(4200, "IRT", None, None)]),
    ("50 میلیارد دلار", [(50e9, "USD", None, None)]),
    ("۲ میلیون یورو", [(2e6, "EUR", None, None)]),
    ("دو و نیم میلیون تومان", [(2.5e6, "IRT", None, None)]),
    ("250 هزارریال یارانه", [(250000, "IRR", None, None)]),
    ("۵/۱۵ میلیون تومان وام", [(5.15e6, "IRT", None, None)]),
    ("سه هزار ریال یا کمتر", [(3000, "IRR", "less_than", None)]),
    # negatives: no currency word, vague quantities, years
    ("۳۰۰ میلیارد اعتبار در نظر گرفته شد", []),
    ("بودجه ۴۲ هزار میلیاردی", []),
    ("چند میلیون دلاری", []),
    ("در سال 98 تومان", []),
    ("۱۸ کارگروه", []),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_amounts(rules, text, expected):
    rec = rules(text)
    got = [(a.value, a.currency, a.qualifier, a.max) for a in rec.amounts]
    assert got == [(pytest.approx(v), c, q, m if m is None else pytest.approx(m)) for v, c, q, m in expected]


def test_amount_offsets_cover_qualifier(rules):
    text = "از ابتدای سال به  بیش از ۲۵۰۰نفر  بیش از ۳۶۰ میلیارد تومان تسهیلات پرداخت شد"
    (a,) = rules(text).amounts
    assert text[a.start:a.end] == a.text == "بیش از ۳۶۰ میلیارد تومان"


MORE = [
    # همت = hezar-e milliard toman (10**12 toman)
    ("بودجه این طرح ۵۰ همت است", [(50e12, "IRT", None, None)]),
    ("بیش از دو همت اعتبار", [(2e12, "IRT", "more_than", None)]),
    ("بین ۲۰ تا ۳۰ همت", [(20e12, "IRT", "range", 30e12)]),
    ("یک و نیم همت تسهیلات", [(1.5e12, "IRT", None, None)]),
    ("اعتبار ۱۲ همتی", [(12e12, "IRT", None, None)]),
    ("بیش از یک ‌هزار میلیارد تومان هزینه شد", [(1e12, "IRT", "more_than", None)]),
    ("هشت هزار میلیارد ریال", [(8e12, "IRR", None, None)]),
    ("۴۰ میلیون دلار", [(40e6, "USD", None, None)]),
    ("نه میلیون تومان وام", [(9e6, "IRT", None, None)]),
    ("نه هزار تومانی", [(9000, "IRT", None, None)]),
    ("بودجه ۳۰۰ میلیارد تومانی", [(300e9, "IRT", None, None)]),
    ("۵۰۰ هزار دینار عراق", [(500000, "IQD", None, None)]),
    # negatives: «همت» as a word (effort), a year, no currency word
    ("با همت مردم ساخته شد", []),
    ("در سال ۱۴۰۲ تومان ارزش خود را از دست داد", []),
    ("با همت ۱۲ نفر از خیران", []),
    ("نه تومان و نه ریال", []),
]


@pytest.mark.parametrize("text,expected", MORE)
def test_amount_forms(rules, text, expected):
    rec = rules(text)
    got = [(a.value, a.currency, a.qualifier, a.max) for a in rec.amounts]
    assert got == [(pytest.approx(v), c, q, m if m is None else pytest.approx(m)) for v, c, q, m in expected]

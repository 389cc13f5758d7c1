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
def test_percentages(extract, text, expected):
    got = [(p.value, p.max) for p in extract(text).percentages]
    assert got == [(pytest.approx(v), m) for v, m in expected]

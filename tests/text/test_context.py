import pytest

from welfare_nlp.text.context import DocContext
from welfare_nlp.text.normalize import normalize


def _ctx(text: str) -> DocContext:
    return DocContext(nt=normalize(text))


@pytest.mark.parametrize("text, expected", [
    ("۲۰۰ تا ۶۰۰ هزار نفر", [(200_000, 600_000)]),          # a range: the lower bound borrows the scale
    ("بین ۲۰ و ۳۰ درصد", [(20, 30)]),
    ("۵۰ میلیارد ریال و ۱۲ نفر", [(50e9, None), (12, None)]),
    ("در سال ۹۸ حدود ۱۵ بهمن ماه ۱۳۹۸ وزیر", [(15, None)]),  # negatives: a year after «سال» and after a month
    ("با سامانه ۱۴۸۰ تماس بگیرید", []),                      # negative: a hotline
    ("متنی بدون عدد", []),
])
def test_quantities_are_found_once_per_context(text, expected):
    ctx = _ctx(text)
    got = ctx.quantities
    assert [(q.value, q.max) for q in got] == expected
    assert ctx.quantities is got                                # cached: the three figure stages share one

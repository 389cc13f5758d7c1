import pytest

from welfare_nlp.normalize import normalize_text
from welfare_nlp.numbers import find_numbers, parse_number

VALUES = [
    ("هزار میلیارد", 1e12),
    ("سه هزار و پانصد", 3500),
    ("یکصد", 100),
    ("دو و نیم میلیون", 2.5e6),
    ("یک هزار و 100", 1100),
    ("۳۶۰ میلیارد", 360e9),
    ("2,500", 2500),
    ("۲٬۵۰۰", 2500),
    ("۶٫۵", 6.5),
    ("6/14", 6.14),
    ("٣٥", 35),
    ("بیست و پنج", 25),
    ("سیصد و بیست و پنج", 325),
    ("دو میلیون و سیصد هزار", 2.3e6),
    ("۴۲ هزار میلیارد", 42e12),
    ("هزار هزار هزار", 1e9),
    ("۱٬۲۳۴٬۵۶۷٫۸۹", 1234567.89),
    ("یک میلیون و پانصد هزار", 1.5e6),
    ("2.5 میلیون", 2.5e6),
    ("صفر", 0),
]


@pytest.mark.parametrize("text,value", VALUES)
def test_number_values(text, value):
    assert parse_number(text) == pytest.approx(value)


SPLITS = [
    # text, the numbers it holds (two numbers joined by و stay two when the second is not smaller)
    ("13 و 14 شهریور", [13, 14]),
    ("مراکز ۱۴۸۰ و ۱۲۳", [1480, 123]),
    ("یک یا دو نفر", [1, 2]),
    ("200 تا 600 هزار تومان", [200, 600000]),
]


@pytest.mark.parametrize("text,values", SPLITS)
def test_numbers_split(text, values):
    assert [n.value for n in find_numbers(normalize_text(text))] == values


NOT_NUMBERS = [
    "1398/06/13",          # a date
    "۴/ ۱۲/ ۱۳۹۲",         # a date written day first
    "نه تنها این",         # «نه» = not
    "چند",
    "هزاره",               # a word that starts like a number word
    "دهستان",
]


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_not_numbers(text):
    assert find_numbers(normalize_text(text)) == []


def test_scale_of_trailing_words():
    (n,) = find_numbers("600 هزار")
    assert n.scale == 1000 and n.scaled

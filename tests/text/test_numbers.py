import pytest

from welfare_nlp.text.normalize import normalize_text
from welfare_nlp.text.normalize import normalize_text
from welfare_nlp.text.numerals import find_numbers


def parse_number(text: str) -> float | None:
    """The value of a text that is exactly one number expression, else None."""
    t = normalize_text(text).strip()
    nums = find_numbers(t)
    return nums[0].value if len(nums) == 1 and nums[0].start == 0 and nums[0].end == len(t) else None

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


DECIMALS = [
    # decimals said in words or with digits and دهم / صدم / هزارم / ممیز
    ("پانزده و چهار دهم", 15.4),
    ("۸ و ۴ دهم", 8.4),
    ("۳ و ۲۵ صدم", 3.25),
    ("سه و بیست و پنج صدم", 3.25),
    ("بیست و چهار دهم", 20.4),
    ("بیست و پنج صدم", 0.25),
    ("چهار دهم", 0.4),
    ("دو و نیم", 2.5),
    ("۱۲ ممیز ۵", 12.5),
    ("یازده ممیز هفتاد و پنج", 11.75),
    ("۷ و ۵ هزارم", 7.005),
    ("5/7 صدم", 0.057),
    # nine, and ZWNJ inside a number phrase
    ("نه", None),
    ("بیست و نه", 29),
    ("بیست‌وپنج", 25),
    ("سی‌و‌دو هزار", 32000),
    ("یک ‌هزار و ۲۰۰", 1200),
]


@pytest.mark.parametrize("text,value", DECIMALS)
def test_decimal_and_joined_values(text, value):
    assert parse_number(text) == (None if value is None else pytest.approx(value))


NINE = [
    # «نه» is nine before a counted noun, a measure or a scale word; the negation otherwise
    ("نه نفر از کارکنان مرکز", [9]),
    ("نه هزار نفر ثبت نام کردند", [9000]),
    ("هشت یا نه مددجو", [8, 9]),
    ("این طرح نه ماه طول کشید", [9]),
    ("بیست و نه خانوار", [29]),
    ("نه تنها کمک نکرد بلکه مانع شد", []),
    ("نه به این طرح و نه به آن طرح", []),
    ("نه مددجو ماند و نه کارمند", []),
    ("او نه کارگر بلکه کارفرما است", []),
    ("گفت نه", []),
    ("نه‌تنها", []),
    ("به سود مالکان است، نه کارگر", []),     # a contrast after a comma
    ("حق با دولت است نه کارگران", []),        # a plural noun: numbers take the singular
    ("نه خیر، چنین نیست", []),
]


@pytest.mark.parametrize("text,values", NINE)
def test_nine_or_not(text, values):
    assert [n.value for n in find_numbers(normalize_text(text))] == values


def test_decimal_span_covers_the_denominator():
    text = normalize_text("نرخ به پانزده و چهار دهم درصد رسید")
    (n,) = find_numbers(text)
    assert text[n.start:n.end] == "پانزده و چهار دهم" and not n.is_int


def test_ordinal_alone_is_not_a_decimal():
    assert [n.value for n in find_numbers(normalize_text("روز دهم و سال ۱۴۰۲"))] == [1402]

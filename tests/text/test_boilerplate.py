from welfare_nlp.text.boilerplate import body_end
from welfare_nlp.text.normalize import normalize_text

BODY = ("مهران کریمیان مدیر کل بهزیستی خوزستان گفت: به بیش از ۲۵۰۰نفر بیش از ۳۶۰ میلیارد تومان تسهیلات پرداخت شد. "
        "این برنامه در سال جاری ادامه دارد و ۳۵ نفر تسهیلگر فعال هستند.\n")
TRAILER = ("\nکد خبر 126727\n\nبرچسبها\n\nنظر شما\n\nشما در حال پاسخ به نظر «» هستید.\n8 + 7 =\n\n"
           "خدمات الکترونیک پرکاربرد\n۴۵۰ نفر در سامانه ۲۵۰۰ میلیون تومان\n")


def test_trailer_yields_nothing(rules):
    rec = rules(BODY + TRAILER)
    assert [h.value for h in rec.head_counts] == [2500, 35]
    assert [a.value for a in rec.amounts] == [360e9]


def test_body_end_finds_trailer():
    text = normalize_text(BODY + TRAILER)
    assert text[body_end(text):].lstrip().startswith("کد خبر")


def test_no_trailer_keeps_everything():
    text = normalize_text(BODY * 3)
    assert body_end(text) == len(text)


def test_early_marker_is_not_a_trailer():
    text = normalize_text("نظر شما چیست؟\n" + BODY * 4)
    assert body_end(text) == len(text)

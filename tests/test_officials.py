import pytest

CASES = [
    # text, [(name, title, organization)]
    ("عباس صادق زاده مدیر کل بهزیستی استان کرمان در سخنانی گفت : اشتغال مهم است .",
     [("عباس صادق زاده", "مدیر کل", "بهزیستی استان کرمان")]),
    ("مهران کریمیان مدیر کل بهزیستی خوزستان نیز گفت: تسهیلات پرداخت شد.",
     [("مهران کریمیان", "مدیر کل", "بهزیستی خوزستان")]),
    ("زهرا موسی پور مدیرکل امور اجتماعی استانداری کرمان گفت : اقدامات آغاز شد .",
     [("زهرا موسی پور", "مدیرکل امور اجتماعی", "استانداری کرمان")]),
    ("حسینی مدیر کل امور بانوان استانداری کرمان با اشاره به این موضوع گفت : آموزش لازم است .",
     [("حسینی", "مدیر کل امور بانوان", "استانداری کرمان")]),
    ("به گزارش خبرنگار مهر ، سیدمحمد میرمحمدی عصر امروز در جلسه گفت: تسهیلات کند است.\nاستاندار یزد همچنین از پرداخت تسهیلات خبر داد.",
     [("محمد میرمحمدی", "استاندار", "یزد")]),
    # discourse: an unnamed role speaks, a surname continues
    ("مدیر کل امور اجتماعی و فرهنگی استانداری نیز گفت: آسیب‌ها زیاد است.\nروحی ادامه داد: دستگاه‌ها باید اقدام کنند.",
     [("روحی", "مدیر کل امور اجتماعی و فرهنگی", "استانداری")]),
    # discourse: a named speaker continued by a role
    ("محمد سنجری در گفتگو با قدس آنلاین اظهار داشت: برنامه داریم.\nمدیرکل کار و رفاه اجتماعی استان خراسان رضوی افزود: تسهیلات می‌دهیم.",
     [("محمد سنجری", "مدیرکل کار و رفاه اجتماعی", "استان خراسان رضوی")]),
    # a professional honorific who speaks, no role
    ("مهندس عباس طوفان در خصوص نحوه عملكرد كلينيك ها گفت: هدف روشن است.", [("عباس طوفان", None, None)]),
    # the later full name replaces a surname-only first mention is not needed; surname later joins
    ("فریبا بریمانی مدیرکل دفتر توانمندسازی خانواده و زنان بهزیستی کشور گفت: موفق بودیم.\nبریمانی افزود: ادامه می‌دهیم.",
     [("فریبا بریمانی", "مدیرکل دفتر توانمندسازی خانواده و زنان", "بهزیستی کشور")]),
    # negatives: unnamed roles, reporters, people without a role, heads of household
    ("مدیر کل بهزیستی خوزستان با معاون استانداری دیدار کرد.", []),
    ("به گزارش خبرنگار ایرنا ، این طرح اجرا شد.", []),
    ("علی رضایی شهروند تهرانی گفت: راضی هستیم.", []),
    ("زنان سرپرست خانوار و افراد دارای معلولیت", []),
    ("کمیته امداد امام خمینی (ره) کمک کرد.", []),
    ("علی رغم وعده‌ها کار تمام نشد.", []),
    ("استاد ", []),           # an honorific at the very end (found by hypothesis)
    ("گفت: دکتر", []),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_officials(extract, text, expected):
    got = [(o.name, o.title, o.organization) for o in extract(text).officials]
    assert got == expected


def test_later_mentions_resolved(extract):
    text = ("محسن ایروانی معاون اشتغال بهزیستی کشور گفت: طرح اجرا شد.\n"
            "ایروانی افزود: تسهیلگران فعال می‌شوند.\n"
            "وی تصریح کرد: صندوق حمایت می‌کند.")
    (o,) = extract(text).officials
    kinds = [m.text for m in o.mentions]
    assert "ایروانی" in kinds and "وی" in kinds
    for m in o.mentions:
        assert text[m.start:m.end] == m.text


def test_quotes_attributed(extract):
    text = ("محسن ایروانی معاون اشتغال بهزیستی کشور گفت: طرح تسهیلگران اجرا شد.\n"
            "وی تصریح کرد: صندوق از افراد دارای معلولیت حمایت می‌کند.")
    quotes = extract(text).quotes
    assert [q.speaker for q in quotes] == ["محسن ایروانی", "محسن ایروانی"]
    assert quotes[1].text == "صندوق از افراد دارای معلولیت حمایت می‌کند."
    for q in quotes:
        assert text[q.start:q.end] == q.text


def test_unnamed_role_quote_keeps_the_role_as_speaker(extract):
    text = "معاون هماهنگی امور اقتصادی استانداری خوزستان بیان کرد: تعداد زنان سرپرست خانوار بالاست."
    rec = extract(text)
    assert rec.officials == []
    assert rec.quotes[0].speaker.startswith("معاون هماهنگی امور اقتصادی")


def test_provenance(extract):
    (o,) = extract("عباس صادق زاده مدیر کل بهزیستی استان کرمان گفت: سلام بر همه.").officials
    assert o.source == "rule:officials.first_name" and o.role_source == "rule:officials.name_role"
    assert 0 < o.score <= 1
    assert o.title_span.text == "مدیر کل" and o.organization_span.text == "بهزیستی استان کرمان"

import pytest

CASES = [
    ("بهزیستی استان کرمان", ["کرمان"]),
    ("استانهای کرمان ، سیستان و بلوچستان ، خراسان رضوی و شمالی", ["کرمان", "سیستان و بلوچستان", "خراسان رضوی", "خراسان شمالی"]),
    ("آذربایجان شرقی و غربی", ["آذربایجان شرقی", "آذربایجان غربی"]),
    ("اداره كل بهزيستي استان كرمانشاه", ["کرمانشاه"]),
    ("استان فارس", ["فارس"]),
    ("بهزیستی فارس", ["فارس"]),
    ("استان مرکزی", ["مرکزی"]),
    ("چهارمحال و بختیاری و کهگیلویه و بویراحمد", ["چهارمحال و بختیاری", "کهگیلویه و بویراحمد"]),
    ("در تهران و قم", ["تهران", "قم"]),
    ("کرمان و کرمان", ["کرمان"]),
    # negatives
    ("خبرگزاری فارس گزارش داد", []),
    ("خلیج فارس", []),
    ("بانک مرکزی", []),
    ("حاشیه شهر مشهد", []),
    ("استان", []),
    ("آقای کرمانی گفت", []),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_provinces(rules, text, expected):
    assert [p.name for p in rules(text).provinces] == expected


def test_iso_codes(rules):
    rec = rules("استان کرمان و خراسان رضوی و تهران")
    assert {p.name: p.code for p in rec.provinces} == {"کرمان": "IR-08", "خراسان رضوی": "IR-09", "تهران": "IR-23"}


def test_cities_in_their_own_field(rules):
    rec = rules("حاشیه شهر مشهد و شهرستان بم")
    assert rec.provinces == []
    assert {c.name: c.province for c in rec.cities} == {"مشهد": "خراسان رضوی", "بم": "کرمان"}


def test_province_mentions_kept(rules):
    (p,) = rules("کرمان امروز. بهزیستی کرمان فردا").provinces
    assert len(p.mentions) == 1 and p.mentions[0].text == "کرمان"

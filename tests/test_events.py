import pytest

CASES = [
    ("کارگاه آموزشی اشتغال در کرمان برگزار شد", "workshop"),
    ("دوره آموزشی حمایت یابی برگزار شد", "workshop"),
    ("نشست مشترک راه و شهرسازی با فنی و حرفه‌ای", "meeting"),
    ("دیدار معاون اشتغال بهزیستی کشور و معاون استانداری", "meeting"),
    ("محمد سنجری در گفتگو با قدس آنلاین اظهار داشت: برنامه داریم.", "interview"),
    ("بازدید استاندار از مناطق زلزله‌زده", "visit"),
    ("تفاهم‌نامه همکاری میان بهزیستی و خیریه امضا شد", "agreement"),
    ("مدیر جدید بهزیستی منصوب شد", "appointment"),
    ("مراسم تجلیل از خیرین برگزار شد", "ceremony"),
    ("زلزله خسارت زد", "incident"),
]


@pytest.mark.parametrize("text,etype", CASES)
def test_event_type(extract, text, etype):
    events = extract(text).events
    assert events and events[0].type == etype
    assert text[events[0].start:events[0].end] == events[0].trigger


NEGATIVE = [
    "به گزارش روابط عمومی بهزیستی، این خبر منتشر شد",  # attribution, not a report event
    "اشتغال معلولین مهم است",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_no_event(extract, text):
    assert extract(text).events == []


def test_event_links_date_place_participants(extract):
    text = "کارگاه آموزشی اشتغال 13 شهریور ماه در کرمان برگزار شد.\nعباس صادق زاده مدیر کل بهزیستی استان کرمان گفت: خوش آمدید."
    (e,) = extract(text).events
    assert (e.date.month, e.date.day) == (6, 13)
    assert e.place == "کرمان"
    assert e.participants == ["عباس صادق زاده"]

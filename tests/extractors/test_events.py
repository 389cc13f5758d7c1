"""Events by the guideline's rules: one occasion per text from its headline and lead, plus funding.

Every text here is written for these tests (headline, then lead, then body paragraphs)."""
import pytest

from welfare_nlp.extractors.events import OCCASIONS

# (text, occasion) -- a table of leads of our own, one or more per rule
OCCASION_CASES = [
    # a setting named in the headline or lead
    ("کارگاه آموزشی اشتغال در کرمان برگزار شد", "workshop"),
    ("برگزاری دومین دوره آموزشی حمایت یابی در یزد\nدوره آموزشی حمایت یابی با حضور ۴۰ مددکار در یزد آغاز شد.",
     "workshop"),
    ("همایش سراسری خیرین اشتغال‌آفرین در مشهد\nمدیرکل بهزیستی در این همایش گفت: کار مهم است.", "workshop"),
    ("نشست مشترک راه و شهرسازی با فنی و حرفه‌ای", "meeting"),
    ("دیدار معاون اشتغال بهزیستی کشور و معاون استانداری", "meeting"),
    ("طرح جدید در کمیسیون اجتماعی مجلس تصویب شد\nنمایندگان در کمیسیون اجتماعی طرح بیمه زنان را تصویب کردند.",
     "meeting"),
    ("بازدید استاندار از مناطق زلزله‌زده", "visit"),
    ("مراسم تجلیل از خیرین برگزار شد", "ceremony"),
    ("آیین کلنگ‌زنی مرکز توان‌بخشی در اراک\nمدیرکل بهزیستی در آیین کلنگ‌زنی این مرکز گفت: کار آغاز شد.",
     "ceremony"),
    ("تفاهم‌نامه همکاری میان بهزیستی و خیریه امضا شد", "agreement"),
    ("مدیر جدید بهزیستی منصوب شد", "appointment"),
    ("محمد سنجری در گفتگو با قدس آنلاین اظهار داشت: برنامه داریم.", "interview"),
    ("مدیرکل کمیته امداد در جمع خبرنگاران گفت: ۲۰۰ نفر شاغل شدند.", "interview"),
    # the press counts only when nothing else frames the words
    ("وزیر کار که برای بازدید از مراکز اشتغال به اصفهان سفر کرده بود، در نشست خبری گفت: کار خوب است.", "visit"),
    ("مدیرکل امداد در حاشیه مراسم افتتاح فروشگاه در جمع خبرنگاران گفت: کمک‌ها رسید.", "ceremony"),
    # a trip during which officials meet is a meeting
    ("معاون وزیر در سفر به شهرکرد در دیدار با استاندار گفت: همکاری ادامه دارد.", "meeting"),
    # the setting named only after the lead: the body's first mention
    ("مدیرکل بهزیستی استان قم گفت: ۳۰۰ نفر تحت پوشش قرار گرفتند.\n"
     "علی احمدی امروز در جمع خبرنگاران افزود: این کار ادامه دارد.", "interview"),
    # a setting inside the quoted words is a topic, a room is not a meeting
    ("مدیرکل بهزیستی گفت: همایش بعدی در پاییز برگزار می‌شود و ثبت نام آغاز شده است.", "announcement"),
    # no setting: a column, an incident, what will be done, what was done
    ("کوتاه\nبیمه رانندگان\nرانندگان تاکسی بیمه شدند.", "report"),
    ("گزارشی از بازسازی شهر\nبازسازی خانه‌ها ادامه دارد.", "report"),
    ("زلزله خسارت زد", "incident"),
    ("سیل در روستاهای شمال\nسیل دیشب ۱۲ خانه را ویران کرد.", "incident"),
    ("ثبت نام وام ازدواج از فردا آغاز می‌شود.", "announcement"),
    ("مهلت ثبت‌نام طرح بیمه زنان خانه‌دار تمدید شد.", "announcement"),
    ("آمار بیمه‌شدگان اعلام شد\nتعداد بیمه‌شدگان به ۴۰ میلیون نفر رسیده است.", "report"),
]


@pytest.mark.parametrize("text,etype", OCCASION_CASES)
def test_occasion(rules, text, etype):
    events = rules(text).events
    assert events[0].type == etype
    assert sum(e.type in OCCASIONS for e in events) == 1   # exactly one occasion


# (text, funding expected?)
FUNDING_CASES = [
    ("پرداخت وام ازدواج از فردا آغاز می‌شود.", True),
    ("۵۰۰ میلیارد ریال اعتبار برای اشتغال معلولان اختصاص یافت.", True),
    ("یارانه نقدی خانوارها امشب واریز می‌شود.", True),
    ("مدیرکل امداد گفت: برای پرداخت عیدی مددجویان نیازمند اعتبار هستیم.", False),  # money only needed
    ("این ستون به وقایع تاریخی اختصاص دارد.", False),  # «اختصاص دارد»: is devoted to
    ("مدیرکل بهزیستی گفت: ۳۰۰ نفر تحت پوشش قرار گرفتند.", False),
    # funding named only after the lead does not count
    ("مدیرکل بهزیستی گفت: ۳۰۰ نفر تحت پوشش قرار گرفتند.\nبه گزارش ایسنا، وی امروز در جمع خبرنگاران سخن گفت.\n"
     "وی افزود: ۲۰ میلیارد تومان وام پرداخت شد.", False),
]


@pytest.mark.parametrize("text,expected", FUNDING_CASES)
def test_funding(rules, text, expected):
    types = [e.type for e in rules(text).events]
    assert ("funding" in types) is expected
    if expected:
        assert types[1] == "funding"


def test_event_trigger_span_points_into_the_original(rules):
    text = "كارگاه آموزشي اشتغال در كرمان برگزار شد"   # Arabic kaf and yeh
    (e,) = rules(text).events
    assert e.trigger is not None and text[e.start:e.end] == e.trigger


def test_without_deciding_words_the_event_stands_for_the_first_sentence(rules):
    text = "اشتغال معلولین مهم است"
    (e,) = rules(text).events
    assert e.type == "report" and e.trigger is None and e.source == "rule:events.default"
    assert text[e.start:e.end] == text


def test_attribution_is_not_an_event(rules):
    events = rules("به گزارش روابط عمومی بهزیستی، این خبر منتشر شد").events
    assert all(e.trigger != "گزارش" for e in events)


def test_event_links_date_province_participants_and_figures(rules):
    text = ("کارگاه آموزشی اشتغال 13 شهریور ماه در کرمان\n"
            "عباس صادق زاده مدیر کل بهزیستی استان کرمان گفت: ۲۰ میلیارد ریال وام به ۳۰۰ نفر پرداخت شد.")
    rec = rules(text)
    occasion, money = rec.events
    assert (occasion.date.month, occasion.date.day) == (6, 13)
    assert occasion.place == occasion.province == "کرمان" and occasion.province_code == "IR-08"
    assert [rec.officials[k].name for k in occasion.participants] == ["عباس صادق زاده"]
    assert money.type == "funding"
    # the figures of a sentence that pays money belong to the funding event
    assert money.amounts == [0] and money.head_counts == [0]
    assert rec.amounts[0].event == 1 and rec.head_counts[0].event == 1


def test_figures_without_money_words_belong_to_the_occasion(rules):
    rec = rules("نشست شورای اشتغال در یزد برگزار شد.\nمدیرکل گفت: ۳۰۰ نفر شاغل شدند.")
    assert [e.type for e in rec.events] == ["meeting"]
    assert rec.head_counts[0].event == 0 and rec.events[0].head_counts == [0]

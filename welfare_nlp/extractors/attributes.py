"""Figure attributes: for every money amount and head count, what it is ``about``, the
``province`` it applies to, the official (``speaker``) whose statement holds it and the
``event`` it belongs to (``eval/GUIDELINES.md``, "attributes of amounts and head counts").

``about`` is read from the structure of the figure's clause, never from a window of words:

* money written as a modifier (``تسهیلات ۲ میلیون تومانی``) is about the noun it modifies;
* money followed by a noun phrase (``۵۰ هزار میلیارد ریال اعتبارات بیمه بیکاری``) is that kind
  of money; a purpose clause (``برای ...``, ``جهت ...``, ``به منظور ...``, ``بابت ...``) after or
  before it says what it pays for; ``به <recipient> پرداخت شد`` names who gets it;
* people are about what their clause says they received, did or are: its predicate up to the
  verb (``... تحت پوشش قرار گرفتند``, ``... فوت کرده‌اند``), and the noun that governs them
  (``نام‌نویسی ۲۴۰ هزار نفر``); the partitive ``از <noun>`` names who they are, not what.

Each part is a contiguous phrase of the text (verbs, prepositions and generic words such as
``مبلغ`` trimmed off its edges), 50 characters at most in all.

``province``: a province named in the figure's clause or sentence (several: none, the figure is
not tied to one); else the province of the speaker's office (``مدیر کل بهزیستی استان کرمان
گفت: ...``); else the province of the previous figure of the same statement. A national
figure (``در کشور``, ``سراسر کشور``) has none.

``speaker``: the official whose speech holds the figure's sentence (``X گفت: ...``, ``X با بیان
اینکه ...، افزود``), the speech carried on by later sentences of the same paragraph without a verb
of their own, or announced by the next sentence's ``وی افزود``. Headlines without a verb of saying,
``به گزارش ...`` sentences and unnamed speakers give none.

``event``: the funding event when the figure's sentence states money allocated, paid, lent or
invested and the text has such an event; else the occasion.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from welfare_nlp.text import lexicon
from welfare_nlp.text.context import DocContext, Found
from welfare_nlp.extractors.events import funding_words_in
from welfare_nlp.text.normalize import LETTER

NAME = "attributes"
ABOUT_MAX_CHARS = 50
_WINDOW = 400   # characters of its sentence read on each side of a figure (a one-line text is one long sentence)
_TOKEN = re.compile(r"[^\s،,:؛.!؟?«»()\"\[\]{}/\-–_]+|[،,:؛.!؟?«»()\"\[\]{}/\-–]")
_HARD = set("،,:؛.!؟?«»()\"[]{}/-–")
_DIGIT = re.compile(r"\d")
_VERB_PREFIX = re.compile(r"^(?:ن?می‌|ب[ا-ی]+ید$)|‌(?:اند|ایم|اید|ام)$")
# the whole country: «در کشور», «سراسر کشور», «بهزیستی کشور», «کشورمان»
_NATIONAL = re.compile(rf"(?<![{LETTER}‌])کشور(?:مان)?(?![{LETTER}‌])")
# the article's own voice: the attribution of the news, its own remarks
_ARTICLE_VOICE = re.compile(r"^\s*(?:به\s*گزارش|بر\s*اساس\s*این\s*گزارش|براساس\s*این\s*گزارش|این\s*گزارش|گفتنی\s*است|"
                            r"لازم\s*به\s*(?:ذکر|یادآوری)\s*است|یادآور\s*می‌شود|قابل\s*ذکر\s*است)")
_JOINING = {"به", "از", "با"}
_GENERIC_NOUNS = {"نفر", "تن"}   # «۴۶۰ نفر از بیماران ...»: the partitive names who they are   # prepositions inside a predicate: «شروع به فعالیت», «پیشگیری از اعتیاد»
_FACILITY = {"مرکز", "مراکز", "بیمارستان", "کمپ", "زندان", "مدرسه", "دانشگاه", "سرای", "خانه"}   # a place that serves people
_ADJECTIVAL = {"ماهانه", "ماهیانه", "سالانه", "روزانه", "هفتگی"}   # adverbs that are adjectives after a noun
_AUX = {"است", "اند", "بود", "بودند", "باشد", "باشند", "بوده", "است،"}   # «شده است»: a verb, not a participle
_RECEIVE = {"برخوردار", "بهره‌مند", "بهره مند", "مستفید", "بهرمند"}   # «از X برخوردار می‌شوند»
_MODIFIER_UNIT = re.compile(r"(?:ی|‌ای|یی)$")   # «۲ میلیون تومانی»: the amount modifies a noun


@dataclass(frozen=True)
class Tok:
    text: str
    start: int
    end: int
    role: str        # "word", "purpose", "boundary", "verb", "generic", "number", "punct"


# ---------------------------------------------------------------- lexicon
@lru_cache(maxsize=1)
def _roles() -> tuple[dict[str, str], dict[tuple[str, ...], str]]:
    single, multi = {}, {}
    for row in lexicon.table("figure_context.tsv"):
        words = tuple(row["word"].split())
        (multi if len(words) > 1 else single)[words if len(words) > 1 else words[0]] = row["role"]
    return single, multi


@lru_cache(maxsize=1)
def _multi_first() -> frozenset[str]:
    return frozenset(seq[0] for seq in _roles()[1])


@lru_cache(maxsize=1)
def _governing() -> frozenset[str]:
    return frozenset(r["word"] for r in lexicon.table("figure_context.tsv") if r["role"] == "governs")


@lru_cache(maxsize=1)
def _numberish() -> frozenset[str]:
    words = set(lexicon.number_words()) | set(lexicon.currencies()) | {"هزار", "میلیون", "میلیارد", "درصد"}
    return frozenset(words - {"و"})


@lru_cache(maxsize=1)
def _time_words() -> frozenset[str]:
    """Month names and weekdays: when, never what."""
    days = {"شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "پنج‌شنبه", "جمعه"}
    return frozenset(set(lexicon.months()) | {m + "ماه" for m in lexicon.months()} | days)


@lru_cache(maxsize=1)
def _speech_first_words() -> dict[str, bool]:
    out: dict[str, bool] = {}
    for verb, continues in lexicon.speech_verbs().items():
        out.setdefault(verb.split()[0], continues)
    return out


@lru_cache(maxsize=1)
def _terms() -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    words = lexicon.words("welfare_terms.txt")
    return (frozenset(w for w in words if " " not in w), tuple(tuple(w.split()) for w in words if " " in w))


_TERM_ENDINGS = ("", "ها", "‌ها", "های", "‌های", "ی", "‌ای", "ان", "ات", "هایی", "‌هایی", "ای")


def _has_term(run: list[Tok]) -> bool:
    """Whether a phrase names a kind of support, programme or what people got (``welfare_terms.txt``)."""
    single, multi = _terms()
    words = [t.text for t in run]
    for w in words:
        for end in _TERM_ENDINGS:
            if end and not w.endswith(end):
                continue
            if (w[:len(w) - len(end)] if end else w) in single:
                return True
    return any(tuple(words[i:i + len(m)]) == m for m in multi for i in range(len(words) - len(m) + 1))


def purpose(about: str | None) -> str | None:
    """The welfare term an ``about`` phrase names (``تسهیلات``, ``وام``, ``تحت پوشش``), without its
    plural or adjective ending: a key to group figures by; None when it names none."""
    if not about:
        return None
    single, multi = _terms()
    words = about.replace("|", " ").split()
    for k in range(len(words)):
        for m in multi:
            if tuple(words[k:k + len(m)]) == m:
                return " ".join(m)
        w = words[k]
        for end in _TERM_ENDINGS:
            stem = w[:len(w) - len(end)] if end and w.endswith(end) else (w if not end else None)
            if stem in single:
                return stem
    return None


def _tokens(text: str, start: int, end: int) -> list[Tok]:
    single, multi = _roles()
    raw = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]
    out: list[Tok] = []
    i = 0
    while i < len(raw):
        w, s, e = raw[i]
        hit = next(((n, multi[seq]) for n in (3, 2)
                    if i + n <= len(raw) and (seq := tuple(x[0] for x in raw[i:i + n])) in multi),
                   None) if w in _multi_first() else None
        if hit:
            n, role = hit
            out.append(Tok(" ".join(x[0] for x in raw[i:i + n]), s, raw[i + n - 1][2], role))
            i += n
            continue
        if w == "شده" and out and out[-1].role in ("word", "verb") and out[-1].text.endswith("ه") \
                and (out[-1].role == "word" or len(out) > 1 and out[-2].role == "word") \
                and not (i + 1 < len(raw) and (raw[i + 1][0] in _AUX or _VERB_PREFIX.search(raw[i + 1][0]))):
            role = "word"   # «افراد پذیرفته شده نیز», «اسکان داده شده»: a participle inside the noun phrase
            if out[-1].role == "verb":
                out[-1] = Tok(out[-1].text, out[-1].start, out[-1].end, "word")
        elif w in _HARD:
            role = "punct"
        elif w == "و":
            role = "and"
        elif _DIGIT.search(w) or w in _numberish():
            role = "number"
        elif w in single:
            role = "word" if single[w] == "governs" else single[w]
        elif w in _time_words():
            role = "boundary"
        elif _VERB_PREFIX.search(w) or w in _speech_first_words():
            role = "verb"
        else:
            role = "word"
        out.append(Tok(w, s, e, role))
        i += 1
    return out


# ---------------------------------------------------------------- about
def _run(toks: list[Tok], forward: bool, limit: int = 5) -> list[Tok]:
    """The content words next to the figure, in reading order: a noun phrase whose words may be
    joined by «و»; generic words right at the figure are stepped over."""
    seq = toks if forward else list(reversed(toks))
    k = 0
    while k < len(seq) and seq[k].role in ("generic", "adverb"):
        k += 1
    run: list[Tok] = []
    governs = _governing()
    while k < len(seq) and len(run) < limit:
        t = seq[k]
        if t.role == "word":
            run.append(t)
        elif t.text == "از" and run and k + 1 < len(seq) and seq[k + 1].role == "word" \
                and (seq[k - 1] if forward else seq[k + 1]).text in governs:
            run.append(t)   # «پیشگیری از اعتیاد», «خسارات ناشی از حوادث»
        elif t.role == "and" and run and k + 1 < len(seq) and seq[k + 1].role == "word":
            run.append(t)
        elif forward and run and t.text in _ADJECTIVAL:
            run.append(t)   # «مستمری ماهانه»: after a noun, an adjective
        else:
            break
        k += 1
    return run if forward else list(reversed(run))


def _chunks(toks: list[Tok]) -> list[list[Tok]]:
    """Runs of content words up to the end of the clause (its verb or punctuation); two runs
    joined by one preposition stay one (``شروع به فعالیت``, ``پیشگیری از اعتیاد``)."""
    out: list[list[Tok]] = []
    cur: list[Tok] = []
    gap: list[Tok] = []
    for t in toks:
        if t.role == "punct":
            break
        if t.role == "word" or (t.role == "and" and cur):
            if gap and out and not cur and len(gap) == 1 and gap[0].text in _JOINING:
                cur = out.pop() + gap   # «شروع» + «به» + «فعالیت»
            cur.append(t)
            gap = []
            continue
        if cur:
            while cur and cur[-1].role == "and":
                cur.pop()
            out.append(cur)
            cur = []
        gap.append(t)
        if t.role == "number":
            break  # the next figure's clause
    if cur:
        while cur and cur[-1].role == "and":
            cur.pop()
        out.append(cur)
    return [c for c in out if c]


def _predicate(after: list[Tok]) -> list[Tok]:
    """The words right before the clause's verb (``... ۳۵ نفر تسهیلگر شروع به فعالیت خواهند کرد``),
    over any coordinated figures in between."""
    for k, t in enumerate(after):
        if t.role == "punct":
            return []
        if t.role == "verb":
            chunks = _chunks(after[:k])
            return chunks[-1] if chunks else []
    return []


_PART_CHARS = 40   # a longer phrase keeps its head and its last words, as two parts


def _fit(run: list[Tok]) -> list[list[Tok]]:
    """A phrase too long for ``about``: its first three words (the head of a noun phrase) and its
    last two (the noun part of the verb), e.g. ``مراکز شبانه روزی`` + ``سالمندان و معلولان``."""
    if run[-1].end - run[0].start <= _PART_CHARS or len(run) <= 5:
        return [run]
    head, tail = run[:3], run[-2:]
    while head and head[-1].role == "and":
        head = head[:-1]
    while tail and tail[0].role == "and":
        tail = tail[1:]
    return [p for p in (head, tail) if p]


def _span(run: list[Tok]) -> tuple[int, int] | None:
    return (run[0].start, run[-1].end) if run else None


def _chunks_all(toks: list[Tok]) -> list[list[Tok]]:
    """Every run of content words of a sentence (across its clauses)."""
    out, cur = [], []
    for t in toks + [Tok("", 0, 0, "punct")]:
        if t.role == "word":
            cur.append(t)
        elif t.role == "and" and cur:
            cur.append(t)
        else:
            while cur and cur[-1].role == "and":
                cur.pop()
            if cur:
                out.append(cur)
            cur = []
    return out


def _trim_to_term(run: list[Tok], width: int = 3) -> list[Tok]:
    """At most ``width`` words of a long phrase, starting at its first welfare term."""
    for k in range(len(run)):
        if _has_term(run[k:k + 1]):
            return run[k:k + width]
    return run[:width]


def _overlaps(run: list[Tok], spans) -> bool:
    return any(a < run[-1].end and run[0].start < b for a, b in spans) or run[0].text in _title_heads()


@lru_cache(maxsize=1)
def _title_heads() -> frozenset[str]:
    """First words of role titles (``سخنگوی``, ``مدیرکل``): a role is who, never what."""
    return frozenset(t.split()[0] for t in lexicon.words("titles.txt"))


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    names = {"کشور", "استان", "شهرستان", "شهر", "روستا", "منطقه"}
    for p in lexicon.provinces():
        names.update([p["name"], *p["variants"]])
    return frozenset(names | set(lexicon.cities()))


def _past_places(before: list[Tok], places) -> list[Tok]:
    """«نرخ بنزین در افغانستان، آذربایجان، ... و ترکیه به ترتیب ۵۴۰۰ ریال، ...»: a list of places
    (the model's locations) between «در» and the figure says where, and the phrase before it what."""
    k, seen = len(before) - 1, False
    while k >= 0:
        t = before[k]
        if any(a <= t.start and t.end <= b for a, b in places):
            seen = True
        elif not (t.role in ("punct", "and", "adverb", "generic") and t.text not in ":؛"
                  or t.text in ("به", "ترتیب")):
            break
        k -= 1
    return before[:k] if seen and k >= 0 and before[k].text == "در" else before


def _before_run(before: list[Tok], places=()) -> tuple[list[Tok], Tok | None]:
    """The noun phrase that ends at the figure and the word before it; a place of its own
    (``خسارات ناشی از حوادث رانندگی در کشور سالانه ...``) is stepped over."""
    before = _past_places(before, places)
    back = _run(before, forward=False, limit=4)
    k = _index_before(before, back)
    while k >= 0 and back and before[k].text == "در" and " ".join(t.text for t in back) in _places() | {
            f"استان {w}" for w in _places()}:
        prefix = before[:k]
        back = _run(prefix, forward=False, limit=4)
        k = _index_before(prefix, back)
    return back, (before[k] if k >= 0 else None)


def _index_before(toks: list[Tok], run: list[Tok]) -> int:
    """The index of the token before ``run`` (which ends ``toks``, adverbs after it stepped over)."""
    if not run:
        k = len(toks) - 1
        while k >= 0 and toks[k].role in ("generic", "adverb"):
            k -= 1
        return k
    return toks.index(run[0]) - 1


def _before_to(before: list[Tok]) -> list[Tok]:
    """«واریز یارانه معیشتی به ۱۷ میلیون خانوار», «سرانه تولید ... به ۸۱۱ هزار ریال تنزل»: the noun
    phrase before «به» that the figure receives or reaches; «X را به ...»: the object."""
    k = _index_before(before, [])
    if k < 1 or before[k].text != "به":
        return []
    rest = before[:k]
    if rest and rest[-1].text == "را":
        rest = rest[:-1]
    return _run(rest, forward=False, limit=4)


def _described(toks: list[Tok], fig_start: int, fig_end: int) -> list[Tok]:
    """«۲۷۰ هزار نفر مجروح», «۷۸ میلیون نفر یارانه‌بگیر»: after the unit «نفر»/«تن», the word that says
    what the people are counted as belongs to the figure and is what it is about."""
    inside = [t for t in toks if fig_start <= t.start and t.end <= fig_end]
    for k, t in enumerate(inside):
        if t.text in _GENERIC_NOUNS and k + 1 < len(inside) and inside[k + 1].role == "word":
            return _run(inside[k + 1:], True, limit=3)
    return []


def _count_of(before: list[Tok]) -> list[Tok]:
    """«تعداد کودکان زیر شش سال استان ... ۲۴۰ هزار نفر»: what the clause counts, after «تعداد»/«شمار»."""
    k = len(before) - 1
    while k >= 0:
        t = before[k]
        if t.role == "verb":   # «تعداد دانش آموزان از ۱۶۰۰۰ نفر که ... ثبت نام کرده بودند به ۲۴۴۴۰ نفر رسید»
            j = next((j for j in range(k - 1, -1, -1) if before[j].text == "که" or before[j].role == "punct"), -1)
            if j < 0 or before[j].text != "که":
                return []
            k = j - 1
            continue
        if t.role == "punct" or t.text == "که":
            return []
        if t.text in ("تعداد", "شمار") and k + 1 < len(before):
            return _run(before[k + 1:], True, limit=4)
        k -= 1
    return []


def _received(after: list[Tok]) -> list[Tok]:
    """«... از مستمری ماهیانه برخوردار می‌شوند», «از خدمات بیمه ... بهره‌مند می‌شوند»: what they receive."""
    for k, t in enumerate(after):
        if t.role == "punct":
            return []
        if t.text in _RECEIVE and k > 0:
            for j in range(k - 1, -1, -1):
                if after[j].text == "از":
                    return _run(after[j + 1:k], True, limit=5)
                if after[j].role in ("verb", "number", "purpose"):
                    return []
            return []
    return []


def _after_attribution(toks: list[Tok], run: list[Tok]) -> bool:
    """«به گزارش ایرنا»: the outlet that reports the news."""
    k = toks.index(run[0])
    return (k >= 2 and toks[k - 1].text == "گزارش" and toks[k - 2].text == "به"
            or k >= 1 and run[0].text == "گزارش" and toks[k - 1].text == "به")


def _purpose_in_statement(before: list[Tok]) -> list[Tok]:
    """A purpose phrase fronted before the figure in its statement (``برای درمان سرپایی هر معتاد،
    ۲۵۰ هزار ریال ...``), the nearest one."""
    for k in range(len(before) - 1, -1, -1):
        t = before[k]
        if t.role == "punct" and t.text in ":؛":
            break
        if t.role == "purpose":
            return _run(before[k + 1:], True, limit=4)
    return []


def _object_before(before: list[Tok]) -> list[Tok]:
    """«وی میزان این وام را ۵ میلیون ریال اعلام کرد»: the object marked by «را» that the figure
    qualifies."""
    if before and before[-1].text == "را":
        return _run(before[:-1], forward=False, limit=4)
    return []


def _clause_topic(before: list[Tok], stops: str = "punct") -> list[Tok]:
    """The first noun phrase of the figure's clause: its subject or topic (``متوسط هزینه یک خانوار
    ... ۴۱ میلیون ریال بوده``), after openers, quote colons and commas. With ``stops=":"`` the
    clause is the whole quoted statement (``وی افزود: کمک معیشتی ...، برای خانوارهای ...``)."""
    k = len(before)
    while k > 0 and not (before[k - 1].role == "punct" and (stops == "punct" or before[k - 1].text in stops)
                         or stops == "punct" and before[k - 1].text == "که"):
        k -= 1
    clause = before[k:]
    i = 0
    while i < len(clause):
        if clause[i].role == "word":
            run = _run(clause[i:], True, limit=4)
            nxt = clause[i + len(run)] if i + len(run) < len(clause) else None
            if not (len(run) == 1 and nxt is not None and nxt.role == "verb"):
                return run   # «مقرر شده ...»: the noun part of a verb is not the topic
            i += len(run)
        i += 1
    return []


def about_spans(text: str, sent: tuple[int, int], fig_start: int, fig_end: int, kind: str,
                noun: str | None = None, avoid: list[tuple[int, int]] = (),
                previous: tuple[int, int] | None = None, tail: int | None = None,
                places: list[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """The ``about`` phrases of one figure: (start, end) spans, the most telling first. ``noun``:
    a head count's counted noun; ``avoid``: spans that are people and roles, never ``about``;
    ``previous``: the sentence before, when the same statement carries on into this one; ``tail``:
    the end of the list the figure opens (``۲۲۷ ضایعه نخاعی، ۵۵۷ معلول ... و ۴۲۹ سالمند از مستمری
    ماهیانه برخوردار می‌شوند``), whose predicate all its items share; ``places``: the spans of
    named places (the model's locations), stepped over when a list of them stands before the figure."""
    lo, hi = max(sent[0], fig_start - _WINDOW), min(sent[1], fig_end + _WINDOW)
    toks = _tokens(text, lo, hi)
    lo = min(lo, previous[1] - _WINDOW) if previous is not None else lo
    avoid = [(a, b) for a, b in avoid if a < hi and b > lo]
    before = [t for t in toks if t.end <= fig_start]
    after = [t for t in toks if t.start >= fig_end]
    places = [(a, b) for a, b in places if a < hi and b > lo]
    back, opener = _before_run(before, places)
    purpose_before = back if opener is not None and opener.role == "purpose" else []
    lead = 0
    while lead < len(after) and after[lead].role == "adverb":   # «۲ میلیون تومان نیز به منظور ...»
        lead += 1
    purpose_after = _run(after[lead + 1:], True) if lead < len(after) and after[lead].role == "purpose" else []
    partitive = after and after[0].text == "از" and noun in _GENERIC_NOUNS
    chunks = _chunks(after[1 + len(_run(after[1:], True)):] if partitive else after)
    predicate = _predicate(after)
    near_verb = [predicate] if predicate else chunks[-1:]
    obj = _object_before(before)
    purpose_front = _purpose_in_statement(before)
    topic = _clause_topic(before)
    statement_topic = _clause_topic(before, ":؛")
    if kind == "amount":
        modifier = bool(_MODIFIER_UNIT.search(text[fig_start:fig_end]))
        np_after = _run(after, True)
        order = ([back, np_after, purpose_after, obj] if modifier else
                 [np_after, purpose_after, purpose_before, obj, back, _before_to(before), purpose_front])
        order += [topic, statement_topic, *near_verb]
    else:
        # people: what the clause says they got, did or are (its predicate next to the verb),
        # the noun that governs them, a purpose; the partitive «از ...» only names who they are
        shared = _received([t for t in toks if t.start >= tail]) if tail is not None and tail > fig_end else []
        order = [_received(after) or shared, _count_of(before), _described(toks, fig_start, fig_end), *near_verb, purpose_before, back, _before_to(before), obj,
                 *chunks[:-1], purpose_front, topic, statement_topic]
    # a phrase that names a kind of support or programme comes before one that does not, else the
    # order above; the nearest such phrase of the sentence stands in when the structure gives none
    runs = [r for r in order if r and not _overlaps(r, avoid) and not _after_attribution(toks, r)
            and not (r[0].text not in _FACILITY
                     and all(t.role == "and" or any(a <= t.start and t.end <= b for a, b in places) for t in r))]
    if not any(_has_term(r) for r in runs):
        near = sorted((c for c in _chunks_all(toks) if _has_term(c) and not _overlaps(c, avoid)),
                      key=lambda c: min(abs(c[0].start - fig_end), abs(fig_start - c[-1].end)))
        if not near and previous is not None:   # the statement began in the sentence before
            prev_toks = _tokens(text, max(previous[0], previous[1] - _WINDOW), previous[1])
            near = [c for c in _chunks_all(prev_toks) if _has_term(c) and not _overlaps(c, avoid)][::-1]
        runs += [_trim_to_term(c) for c in near[:1]]
    runs.sort(key=lambda r: not _has_term(r))
    runs = [part for r in runs for part in _fit(r)]
    out: list[tuple[int, int]] = []
    used = 0
    for run in runs:
        c = _span(run)
        if c is None or any(a < c[1] and c[0] < b for a, b in out):
            continue
        size = c[1] - c[0] + (1 if out else 0)
        if used + size > ABOUT_MAX_CHARS:
            continue
        out.append(c)
        used += size
        if len(out) == 3:
            break
    return out


# ---------------------------------------------------------------- speaker
def _voices(ctx: DocContext) -> list[tuple[str | None, bool]]:
    """Per sentence: (speaker, explicit), the official whose words the sentence holds."""
    text, lay = ctx.body, ctx.layout
    sents = ctx.sentences
    by_sent: dict[int, list[Found]] = {}
    for st in ctx.items("statement"):
        by_sent.setdefault(st.data["sentence"], []).append(st)
    para_of = _paragraph_index(ctx)
    voices: list[tuple[str | None, bool]] = []
    for i, (s, e) in enumerate(sents):
        if i in by_sent:
            voices.append((by_sent[i][-1].data["speaker"], True))
        elif s < lay.headline_end or _ARTICLE_VOICE.match(text[s:e]) or _is_subheading(text, ctx.paragraphs[para_of[i]]):
            voices.append((None, True))
        elif i > 0:
            voices.append((voices[-1][0], False))   # the statement carries on, also in the next paragraph
        else:
            voices.append((None, False))
    # «... تحت پوشش قرار گرفتند. وی افزود: ...»: the next sentence's continuing verb claims it
    for i in range(len(sents) - 1):
        if voices[i][0] is None and not voices[i][1] and i + 1 in by_sent:
            st = by_sent[i + 1][0]
            if _speech_first_words().get(text[st.start:st.end]) and st.data["speaker"] \
                    and para_of[i] in (para_of[i + 1], para_of[i + 1] - 1):
                voices[i] = (st.data["speaker"], False)
    return voices


def _is_subheading(text: str, para: tuple[int, int]) -> bool:
    """A short line in the body that does not end like a sentence (a subheading or an item title)."""
    if para[1] - para[0] > 300:   # twelve words are never this long
        return False
    line = text[para[0]:para[1]]
    return len(line.split()) <= 12 and not line.rstrip().endswith((".", "!", "؟", "?", ":"))


def _paragraph_index(ctx: DocContext) -> list[int]:
    paras = ctx.paragraphs
    out, k = [], 0
    for s, _ in ctx.sentences:
        while k + 1 < len(paras) and s >= paras[k][1]:
            k += 1
        out.append(k)
    return out


def _speaker_at(statements: dict[int, list[Found]], sent: int, pos: int, voices) -> str | None:
    """Several statements in one sentence: the verb after the figure, else the last before it."""
    here = statements.get(sent, [])
    if len(here) > 1:
        after = [st for st in here if st.start >= pos]
        return (after[0] if after else here[-1]).data["speaker"]
    return voices[sent][0]


# ---------------------------------------------------------------- province
@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    return {p["name"]: p["code"] for p in lexicon.provinces()}


_CLAUSE_MARK = re.compile(r"[،:؛]|(?<!\S)که(?!\S)")


def _clause(text: str, sent: tuple[int, int], pos: int) -> tuple[int, int]:
    """The clause around ``pos``: between commas, colons, semicolons and «که»."""
    s, e = sent
    left = s
    for m in _CLAUSE_MARK.finditer(text, s, pos):
        left = m.end()
    right = _CLAUSE_MARK.search(text, pos, e)
    return left, right.start() if right else e


def _province_in(ctx: DocContext, start: int, end: int) -> set[str]:
    return {p.data["name"] for p in ctx.items("province") if start <= p.start < end}


_JOINED = re.compile(r"\s*(?:و|،|,)\s*")


def _nearest_place(ctx: DocContext, text: str, clause: tuple[int, int], f: Found,
                   sent: tuple[int, int] | None = None) -> str | None:
    """The place nearest the figure in its clause: a province's name, "" for the whole country
    (``در سطح کشور ... و در استان خوزستان نیز ۳۵ نفر``), None when the clause names none.
    Several provinces at the same distance, or a list of them that goes on past the clause
    (``در استان‌های سیستان و بلوچستان، لرستان و کرمان``, within ``sent``), are no single province."""
    lo, hi = sent or clause
    every = [(p.start, p.end, p.data["name"]) for p in ctx.items("province") if lo <= p.start < hi]
    every += [(m.start(), m.end(), "") for m in _NATIONAL.finditer(text, lo, hi)]
    marks = [m for m in every if clause[0] <= m[0] < clause[1]]
    if not marks:
        return None
    dist = lambda m: f.start - m[1] if m[1] <= f.start else (m[0] - f.end) * 1.5  # before it reads first
    marks = sorted(every)
    best = min((m for m in marks if clause[0] <= m[0] < clause[1]), key=dist)
    group = {best[2]}   # «کرمان و یزد»: names joined by «و» or a comma are read together
    k = marks.index(best)
    for step in (-1, 1):
        j = k
        while 0 <= j + step < len(marks):
            a, b = (marks[j], marks[j + step]) if step == 1 else (marks[j + step], marks[j])
            if not _JOINED.fullmatch(text[a[1]:b[0]]):
                break
            group.add(marks[j + step][2])
            j += step
    return best[2] if len(group) == 1 else ""


def _office_province(ctx: DocContext, speaker: str | None) -> str | None:
    if speaker is None:
        return None
    for off in ctx.items("official"):
        if off.data["name"] == speaker:
            span = off.data.get("organization_span") or off.data.get("title_span")
            if span:
                names = _province_in(ctx, span[0], span[1])
                if len(names) == 1:
                    return next(iter(names))
                if _NATIONAL.search(ctx.body, span[0], span[1]):
                    return ""   # a national office speaks for the whole country
    return None


def _people_spans(ctx: DocContext) -> list[tuple[int, int]]:
    """Officials' names, titles, organisations and later mentions, and the model's people."""
    out = [(e.start, e.end) for e in ctx.entities if e.label == "PER"]
    for off in ctx.items("official"):
        out.append((off.start, off.end))
        out += [tuple(m) for m in off.data.get("mentions") or []]
        out += [tuple(off.data[k]) for k in ("title_span", "organization_span") if off.data.get(k)]
    return sorted(out)


_LIST_NEXT = re.compile(r"\s*(?:[،,.؛]|و\s|است|بود|$)")
_LIST_GAP = 3   # words a list item may put between two figures («، دو نفره»)


def _list_tails(text: str, figures: list[Found]) -> list[int]:
    """For each figure, the end of the list of people it stands in: items of the same kind with only
    a comma or «و» and a few words (no verb, no sentence end) between them."""
    tails = [f.end for f in figures]
    for i in range(len(figures) - 2, -1, -1):
        a, b = figures[i], figures[i + 1]
        between = text[a.end:b.start]
        if a.kind == b.kind == "head_count" and re.search(r"[،,]|(?<!\S)و(?!\S)", between) \
                and not re.search(r"[.!؟?:؛\n]", between) and len(between.split()) <= _LIST_GAP + 2 \
                and all(t.role in ("word", "and", "punct") for t in _tokens(text, a.end, b.start)):
            tails[i] = tails[i + 1]
    return tails


def _listed_after(text: str, a: Found, b: Found) -> bool:
    """``b`` is the next item of a list that ``a`` opens: only a comma or «و» and a few words between."""
    between = text[a.end:b.start]
    if "\n" in between or "." in between or not re.search(r"[،,]|(?<!\S)و(?!\S)", between):
        return False
    if not _LIST_NEXT.match(text, b.end):
        return False  # «از این ۱۰۰ میلیارد، ۲۵ میلیارد شامل ...»: a part, not the next item
    return len(between.replace("،", " ").replace(",", " ").split()) <= _LIST_GAP


# ---------------------------------------------------------------- stage
def apply(ctx: DocContext) -> DocContext:
    text = ctx.body
    figures = sorted(ctx.items("amount") + ctx.items("head_count"), key=lambda f: f.start)
    if not figures:
        return ctx
    sents = ctx.sentences
    voices = _voices(ctx)
    statements: dict[int, list[Found]] = {}
    for st in ctx.items("statement"):
        statements.setdefault(st.data["sentence"], []).append(st)
    events = ctx.items("event")
    funding = next((k for k, ev in enumerate(events) if ev.data["type"] == "funding"), None)
    last: tuple[int, str | None, str | None] | None = None   # (sentence, speaker, province)
    prev: Found | None = None
    avoid = _people_spans(ctx)
    tails = _list_tails(text, figures)
    places = sorted((e.start, e.end) for e in ctx.entities if e.label == "LOC")
    for f, tail in zip(figures, tails):
        si = ctx.sentence_at(f.start)
        sent = sents[si] if sents else (0, len(text))
        kind = f.kind
        if prev is not None and prev.kind == kind and prev.data["about"] and _listed_after(text, prev, f):
            # «به ترتیب ۵۴۰۰ ریال، ۱۸۰۰ ریال و ...»: one list, one purpose; «۱۱۲ تن زن و ۷۶۲۴ نفر مرد»:
            # each item keeps what its own people are counted as
            own, theirs = _span(_described(_tokens(text, f.start, f.end), f.start, f.end)), \
                _span(_described(_tokens(text, prev.start, prev.end), prev.start, prev.end))
            about = [a for a in prev.data["about"] if tuple(a) != theirs]
            if own is not None:
                about = [list(own)] + about
                while len(about) > 3 or sum(b - a + 1 for a, b in about) - 1 > ABOUT_MAX_CHARS:
                    about.pop()
            f.data["about"] = about
        else:
            before = sents[si - 1] if si > 0 and voices[si - 1][0] == voices[si][0] else None
            f.data["about"] = [list(s) for s in about_spans(text, sent, f.start, f.end, kind, f.data.get("noun"),
                                                            avoid, before, tail, places)]
        prev = f
        speaker = _speaker_at(statements, si, f.start, voices)
        clause = _clause(text, sent, f.start)
        place = _nearest_place(ctx, text, clause, f, sent)
        names = _province_in(ctx, *sent)
        if place is not None:
            province = place or None      # "" is the whole country
        elif names:
            province = next(iter(names)) if len(names) == 1 else None
        else:
            province = _office_province(ctx, speaker)
            if province == "":
                province = None
            elif province is None and last is not None and last[1] == speaker and speaker is not None \
                    and si - last[0] <= 3:
                province = last[2]   # said once, it carries over in the same statement
        f.data["province"] = province
        f.data["province_code"] = _codes().get(province) if province else None
        f.data["speaker"] = speaker
        in_funding = funding is not None and bool(funding_words_in(text, *sent))
        f.data["event"] = (funding if in_funding else 0) if events else None
        last = (si, speaker, province)
    return ctx

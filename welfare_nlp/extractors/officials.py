"""Officials: a named person with a role (title + organisation), their later mentions and quotes.

How a person is found (each item records which ``source`` fired):

* names: PER spans from the NER stage when present (``model:ner``), else a given name from
  ``lexicons/first_names.txt`` plus the surname tokens after it (``rule:officials.first_name``),
  a name after an honorific (``rule:officials.honorific``), or a sentence-initial surname
  followed by a role or a speech verb (``rule:officials.surname``);
* roles: a title head from ``lexicons/titles.txt`` extended over the words that follow it; the
  organisation part starts at the first word from ``lexicons/organizations.txt`` or a place;
* name + role in either order (``عباس صادق زاده مدیر کل بهزیستی استان کرمان``;
  ``استاندار یزد سیدمحمد میرمحمدی``);
* discourse: an unnamed role speaks and the next speech is continued by a name
  (``مدیر کل امور اجتماعی ... گفت`` then ``روحی ادامه داد``), or a named speaker is continued by
  a role (``سنجری ... اظهار داشت`` then ``مدیرکل کار ... افزود``);
* later mentions: the surname alone, the same role, or a pronoun (``وی``, ``ایشان``, ``او``)
  at the start of a sentence resolve to the person; each is kept in ``mentions``;
* quotes: ``<speaker> ... گفت: <text>`` gives ``{speaker, text, start, end}``.

Unnamed roles, reporters and people with no role are not officials; a name with a
professional honorific (دکتر, مهندس) who speaks is one, with title None.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from welfare_nlp.text import lexicon
from welfare_nlp.text.context import DocContext, Found
from welfare_nlp.text.normalize import LETTER

NAME = "officials"

# the words and marks of TokenView
_TOKEN = re.compile(r"[^\s،,:؛.!؟?«»()\"\[\]{}]+|[،,:؛.!؟?«»()\"\[\]{}]")
_PUNCT = set("،,:؛.!؟?«»()\"[]{}")
PRONOUNS = {"وی", "ایشان", "او"}
# structural words that never belong to a name or a role phrase
_STOP = {
    "در", "با", "به", "از", "که", "را", "نیز", "هم", "ضمن", "طی", "برای", "این", "آن", "اینکه", "تا", "بر",
    "وی", "ایشان", "او", "و", "یا", "اما", "ولی", "پس", "سپس", "همچنین", "همراه", "حضور", "گفت", "افزود",
    "بیان", "اظهار", "تصریح", "عنوان", "اشاره", "تاکید", "تأکید", "ادامه", "اضافه", "خاطرنشان", "یادآور",
    "است", "بود", "شد", "کرد", "داشت", "دارد", "گفته", "اعلام", "توضیح", "نمود", "گزارش", "روز", "امروز",
    "دیروز", "رغم", "الخصوص", "حال", "عین", "مورد", "جمله", "سخنانی", "سخنان", "آیین", "مراسم", "نشست",
    "جلسه", "دیدار", "بازدید", "سفر", "گفتگو", "گفت‌وگو", "مصاحبه", "خبرنگار", "خبرگزاری", "باشگاه",
    "یک", "دو", "سه", "هر", "همه", "چند", "بسیار", "جدید", "سابق", "اسبق", "فعلی", "وقت", "بعد", "قبل",
    "پیش", "هنگام", "زمان", "خصوص", "زمینه", "رابطه", "راستا", "پایان", "ابتدا", "ابتدای", "درباره",
    "دیگر", "ما", "من", "شما", "آنها", "آنان", "ها", "های", "می", "نمی", "خواهد", "باید", "نباید",
    "می‌شود", "شود", "شده", "بوده", "کند", "کنند", "نیست", "هست", "هستند", "بودند", "کردند", "شدند",
    "جهت", "نسبت", "توسط", "درخصوص", "بین", "روی", "کنار", "پیرامون", "طبق", "براساس", "اساس", "باره",
    "اظهار", "داشت", "عنوان", "اینکه", "آنکه", "چون", "چرا", "اگر", "وقتی", "هنگامی", "زیرا", "لذا",
    # time words that follow a name in a lead: «حمید ملانوری ظهر یکشنبه ...»
    "مبنی", "صبح", "ظهر", "عصر", "شب", "بامداد", "بعدازظهر", "فردا", "هفته", "ماه", "سال", "امسال", "شنبه",
    "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "پنج‌شنبه", "جمعه",
}
# «پیشگیری از اعتیاد», «مبارزه با مواد مخدر»: a preposition that stays inside a role phrase
_ROLE_PREP_AFTER = {"پیشگیری", "مبارزه", "حمایت", "حفاظت", "صیانت", "مقابله", "بهره‌برداری", "دفاع", "پشتیبانی"}
# courtesy words inside a role phrase, left out of title and organisation
_COURTESY = {"محترم", "محترم‌", "گرامی", "ارجمند"}
# organisation words too general to tell two roles apart
_GENERIC_ORG = {"استان", "شهرستان", "کشور", "سازمان", "اداره", "کل", "منطقه", "اداره‌کل", "و"}
# a quote runs at most this many sentences, and never past this many characters
_QUOTE_SENTENCES = 4
_QUOTE_CHARS = 4000
_REPORTERS = {"خبرنگار", "عکاس", "گزارشگر", "نویسنده", "مترجم", "دبیر سرویس"}


@dataclass(slots=True)
class Tok:
    text: str
    start: int
    end: int
    sent: int


@dataclass
class Role:
    start: int            # token indexes, half-open
    end: int
    title: str
    organization: str
    title_span: tuple[int, int]
    org_span: tuple[int, int] | None
    sent: int


@dataclass
class Person:
    name: str             # changed only by _Resolver._rename, which also drops the resolver's name index
    start: int            # character offsets of the introducing mention
    end: int
    source: str
    score: float
    tok_start: int
    tok_end: int
    honorific: str | None = None
    role: Role | None = None
    role_source: str | None = None
    mentions: list[tuple[int, int, str]] = field(default_factory=list)
    spoke: bool = False

    @property
    def full_key(self) -> str:
        return _name_keys(self.name)[0]

    @property
    def surname_keys(self) -> frozenset[str]:
        """The full name and every tail of it (``صادق زاده``, ``زاده``) as comparison keys."""
        return _name_keys(self.name)[1]


_KEY_DROP = re.compile(r"[\s‌]+")


def _key(s: str) -> str:
    return _KEY_DROP.sub("", s)


@lru_cache(maxsize=4096)
def _name_keys(name: str) -> tuple[str, frozenset[str]]:
    """(key of the full name, keys of the name and its tails of three characters or more). Computed from
    the name string alone, so a person's keys follow their name with nothing to invalidate."""
    parts = name.split()
    keys = {_key(" ".join(parts[i:])) for i in range(len(parts))}
    return _key(name), frozenset(k for k in keys if len(k) >= 3)


# ---------------------------------------------------------------- lexicons
@lru_cache(maxsize=1)
def _lex():
    def safe(name):
        try:
            return set(lexicon.words(name))
        except (FileNotFoundError, OSError):
            return set()

    titles = sorted(lexicon.words("titles.txt"), key=lambda t: -len(t.split()))
    orgs = sorted(lexicon.words("organizations.txt"), key=lambda t: -len(t.split()))
    first = safe("first_names.txt")
    first_amb = safe("first_names_ambiguous.txt")
    func = safe("function_words.txt") | _STOP
    honor = sorted(lexicon.words("honorifics.txt"), key=lambda t: -len(t.split()))
    verbs = lexicon.speech_verbs()
    provs = set()
    for p in lexicon.provinces():
        provs.add(p["name"])
        provs.update(p["variants"])
    try:
        cities = set(lexicon.cities())
    except (FileNotFoundError, OSError):
        cities = set()
    return {
        "titles": _by_first(t.split() for t in titles),
        "orgs": _by_first(o.split() for o in orgs),
        "first": first - func,
        "first_amb": first_amb,
        "func": func - first,       # rejects surname candidates
        "stop": _STOP,              # ends a role phrase
        "honor": _by_first(h.split() for h in honor),
        "verbs": _by_first(v.split() for v in verbs),
        "verb_cont": {tuple(v.split()): cont for v, cont in verbs.items()},
        "places": provs | cities,
        "blockers": lexicon.title_blockers(),
    }


def _by_first(seqs) -> dict[str, list[tuple[str, ...]]]:
    """Word sequences indexed by their first word, longest first."""
    idx: dict[str, list[tuple[str, ...]]] = {}
    for seq in sorted((tuple(x) for x in seqs), key=len, reverse=True):
        idx.setdefault(seq[0], []).append(seq)
    return idx


def _match_seq(tokens: list[Tok], i: int, idx: dict[str, list[tuple[str, ...]]]) -> int:
    """Length (in tokens) of the longest sequence in ``idx`` starting at token i, else 0."""
    if i >= len(tokens):
        return 0
    for seq in idx.get(tokens[i].text, ()):
        n = len(seq)
        if i + n <= len(tokens) and all(tokens[i + k].text == seq[k] for k in range(1, n)):
            return n
    return 0


# «گلپوربا اشاره به»: a preposition glued to the word before the noun it governs (scraped text)
_GLUED_PREP = {"با": {"اشاره", "بیان", "تاکید", "تأکید", "اعلام", "ابراز", "حضور", "توجه", "اظهار"}}


class TokenView(list):
    """The body of a ``DocContext`` as the officials rules read it: a list of ``Tok``, each a run of
    characters between spaces and the marks of ``_PUNCT`` or one such mark, with its character offsets
    into ``ctx.text`` and the index of its sentence in ``ctx.sentences``; a preposition glued to the word
    before the noun it governs (``گلپوربا اشاره``, ``_GLUED_PREP``) is split off.

    A view over the context, not the pipeline's spaCy tokens, on purpose. This stage is called with a
    ``DocContext`` alone (``extract(ctx)``: in unit tests and wherever the stages run without a Doc), and
    the context holds no spaCy Doc. And spaCy's Persian rules split words the lexicons and rules here
    read whole: a clitic pronoun or copula (``کشورمان`` -> ``کشور`` + ``مان``, ``آمریکاست`` -> ``آمریکا`` +
    ``ست``), a comma glued to a word before a ZWNJ, and they do not split glued prepositions. Run on the
    Doc's tokens (same sentences, same rules), the officials, quotes and organisations of 11 of 358
    documents (300 news, seeds, dev, dev2) changed, e.g. ``وزارت امورخارجه کشورمان`` became ``... کشور``.

    The index of speech verbs (``speech_verbs``) is built on first use."""

    @classmethod
    def of(cls, ctx: DocContext) -> "TokenView":
        text = ctx.body
        out = cls()
        append = out.append
        sents = ctx.sentences
        ends = [e for _, e in sents]
        last = len(sents) - 1
        si = 0
        sent_end = ends[0] if sents else 0
        lx = _lex()
        first, func, glued = lx["first"], lx["func"], _GLUED_PREP["با"]
        prev = None
        for m in _TOKEN.finditer(text):
            start, end = m.span()
            if start >= sent_end and si < last:
                while si < last and start >= ends[si]:
                    si += 1
                sent_end = ends[si]
            w = m.group()
            if w in glued and prev is not None and prev.text.endswith("با") and len(prev.text) > 4 \
                    and prev.sent == si and prev.text not in first and prev.text not in func:
                out[-1] = Tok(prev.text[:-2], prev.start, prev.end - 2, prev.sent)
                append(Tok("با", prev.end - 2, prev.end, prev.sent))
            prev = Tok(w, start, end, si)
            append(prev)
        return out

    @cached_property
    def speech_verbs(self) -> tuple[list[int], list[tuple[int, bool]]]:
        """(token indexes where a speech verb starts, ascending; (index, continues) for each): one pass over
        the document, then a binary search per question (``_speech_in_sentence``)."""
        at, found = [], []
        heads = _lex()["verbs"]
        for k, t in enumerate(self):
            if t.text not in heads:
                continue
            v = _verb_at(self, k)
            if v:
                at.append(k)
                found.append((k, v[1]))
        return at, found


@lru_cache(maxsize=1)
def _start_words() -> frozenset[str]:
    """Every token text at which a name (honorific, given name) or a role (title) can start: a token
    outside these (and not glued «سید» + given name, nor a model PER start, nor a known surname) starts
    nothing, so the main loop steps over it."""
    lx = _lex()
    words = set(lx["honor"]) | set(lx["titles"]) | set(lx["first"])
    words.update(f.split(" ", 1)[0] for f in lx["first"] if " " in f)
    return frozenset(words)


# ---------------------------------------------------------------- roles
def _title_at(tokens: list[Tok], i: int) -> int:
    lx = _lex()
    n = _match_seq(tokens, i, lx["titles"])
    if not n:
        return 0
    nxt = tokens[i + n].text if i + n < len(tokens) else ""
    if (" ".join(t.text for t in tokens[i:i + n]), nxt) in lx["blockers"]:
        return 0
    prev = tokens[i - 1].text if i > 0 else ""
    if prev in _REPORTERS:
        return 0
    return n


def _is_place(tokens: list[Tok], i: int) -> int:
    lx = _lex()
    for n in (3, 2, 1):
        if i + n <= len(tokens) and " ".join(t.text for t in tokens[i:i + n]) in lx["places"]:
            return n
    return 0


def _name_start(tokens: list[Tok], i: int) -> bool:
    if i >= len(tokens):
        return False
    lx = _lex()
    t = tokens[i].text
    if _match_seq(tokens, i, lx["honor"]):
        return True
    return t in lx["first"] or (t.startswith("سید") and t[3:] in lx["first"])


def _role_at(tokens: list[Tok], i: int) -> Role | None:
    lx = _lex()
    n = _title_at(tokens, i)
    if not n:
        return None
    j = i + n
    limit = min(len(tokens), i + 15)
    org_at = None
    while j < limit:
        t = tokens[j]
        if t.text in ("،", ",") and _list_comma(tokens, j, lx):
            j += 1  # «معاون سیاسی، امنیتی و اجتماعی», «کار ،تعاون و رفاه اجتماعی»
            continue
        if t.text in _PUNCT or t.sent != tokens[i].sent:
            break
        if t.text == "و":
            nxt = tokens[j + 1] if j + 1 < len(tokens) else None
            if nxt is None or nxt.text in _PUNCT or _title_at(tokens, j + 1) or _name_start(tokens, j + 1) \
                    or nxt.text in lx["stop"] or j - i >= 12:
                break
            j += 1
            continue
        if t.text in ("از", "با") and tokens[j - 1].text in _ROLE_PREP_AFTER:
            j += 1
            continue
        if t.text in lx["stop"] or t.text.isdigit() or _name_start(tokens, j):
            break
        if _verb_at(tokens, j):
            break
        place = _is_place(tokens, j) or (1 if t.text == "کشور" else 0)
        if org_at is None and (place or _match_seq(tokens, j, lx["orgs"])):
            org_at = j
        if place:
            # a place closes the organisation: «بهزیستی استان کرمان», «سازمان بهزیستی کشور»
            j += place
            break
        j += 1
    end = j
    while end > i + n and tokens[end - 1].text == "و":
        end -= 1
    split = org_at if org_at is not None and org_at < end else end
    title = _join(t.text for t in tokens[i:split] if t.text not in _COURTESY)
    org = _join(t.text for t in tokens[split:end] if t.text not in _COURTESY)
    return Role(i, end, title, org, (tokens[i].start, tokens[split - 1].end),
                (tokens[split].start, tokens[end - 1].end) if split < end else None, tokens[i].sent)


def _join(words) -> str:
    """Words back into text: no space before a comma (``تعاون، کار``)."""
    return re.sub(r"\s+([،,])", r"\1", " ".join(words))


def _list_comma(tokens: list[Tok], j: int, lx) -> bool:
    """A comma inside a list of words closed by «و»: «سیاسی، امنیتی و اجتماعی»."""
    if j + 3 >= len(tokens):
        return False
    a, conj, b = tokens[j + 1], tokens[j + 2], tokens[j + 3]
    return (conj.text == "و" and a.text not in _PUNCT and b.text not in _PUNCT
            and a.text not in lx["stop"] and b.text not in lx["stop"]
            and not _title_at(tokens, j + 1) and not _name_start(tokens, j + 1)
            and not _title_at(tokens, j + 3) and not _name_start(tokens, j + 3))


def _verb_at(tokens: list[Tok], i: int) -> tuple[int, bool] | None:
    """(length, continues) if a speech verb starts at token i."""
    if i >= len(tokens):
        return None
    lx = _lex()
    for seq in lx["verbs"].get(tokens[i].text, ()):
        n = len(seq)
        if i + n <= len(tokens) and all(tokens[i + k].text == seq[k] for k in range(1, n)):
            return n, lx["verb_cont"][seq]
    return None


# ---------------------------------------------------------------- names
def _name_at(tokens: list[Tok], i: int) -> tuple[int, int, str | None, str] | None:
    """(name_start, name_end, honorific, source) for a name starting at token i."""
    lx = _lex()
    j = i
    honor = None
    h = _match_seq(tokens, j, lx["honor"])
    while h:
        honor = " ".join(t.text for t in tokens[i:j + h])
        j += h
        h = _match_seq(tokens, j, lx["honor"])
    if j >= len(tokens):
        return None
    t = tokens[j].text
    glued_sayyid = t.startswith("سید") and t[3:] in lx["first"]
    # a given name written as two words: «قدرت الله», «محمد رضا»
    two = j + 1 < len(tokens) and tokens[j + 1].sent == tokens[j].sent and f"{t} {tokens[j + 1].text}" in lx["first"]
    if t in lx["first"] or glued_sayyid or two:
        start = j
        k = j + 2 if two else j + 1
        # compound given names: محمد رضا, علی اکبر
        if k < len(tokens) and tokens[k].text in lx["first"] and k + 1 < len(tokens) and _surname_ok(tokens, k + 1):
            k += 1
        s = k
        while k < len(tokens) and k - s < 3 and _surname_ok(tokens, k):
            k += 1
        if k == s:
            return None
        return start, k, honor, "rule:officials.first_name"
    if honor and _surname_ok(tokens, j):
        k = j
        while k < len(tokens) and k - j < 3 and _surname_ok(tokens, k):
            k += 1
        return j, k, honor, "rule:officials.honorific"
    return None


def _surname_ok(tokens: list[Tok], k: int) -> bool:
    if k >= len(tokens):
        return False
    lx = _lex()
    t = tokens[k]
    if t.text in _PUNCT or t.text in lx["func"] or t.text in lx["stop"] or t.text in PRONOUNS \
            or not re.match(f"[{LETTER}]", t.text):
        return False
    if k > 0 and t.sent != tokens[k - 1].sent:
        return False
    if _title_at(tokens, k) or _verb_at(tokens, k) or _match_seq(tokens, k, lx["orgs"]) or _is_place(tokens, k):
        return False
    return len(t.text) >= 2


def _clean_name(tokens: list[Tok], s: int, e: int) -> str:
    parts = [t.text for t in tokens[s:e]]
    if parts and parts[0].startswith("سید") and parts[0][3:] in _lex()["first"]:
        parts[0] = parts[0][3:]
    return " ".join(parts)


def _surname_candidate(tokens: list[Tok], i: int) -> bool:
    """A lone token that can be a surname: not a function word, title, org, place or given name."""
    if i >= len(tokens):
        return False
    lx = _lex()
    t = tokens[i].text
    if t in _PUNCT or t in lx["func"] or t in PRONOUNS or t in lx["first"] or len(t) < 3:
        return False
    if not re.fullmatch(f"[{LETTER}‌]+", t):
        return False
    return not (_title_at(tokens, i) or _match_seq(tokens, i, lx["orgs"]) or _is_place(tokens, i) or _verb_at(tokens, i))


# ---------------------------------------------------------------- main
def _sentence_starts(tokens: list[Tok]) -> set[int]:
    starts, last = set(), -1
    for i, t in enumerate(tokens):
        if t.sent != last:
            starts.add(i)
            last = t.sent
    return starts


_OPENERS = (("در", "ادامه"), ("در", "پایان"), ("همچنین",), ("سپس",), ("بعد", "از", "آن"), ("در", "این", "نشست"),
            ("به", "گفته"))
_OPENER_HEADS = {seq[0] for seq in _OPENERS}


def _skip_openers(tokens: list[Tok], i: int) -> int:
    """Skip sentence openers: ``در ادامه``, ``همچنین``, ``به گفته``, ``به گزارش <outlet> ،``."""
    if i + 1 < len(tokens) and tokens[i].text == "به" and tokens[i + 1].text == "گزارش":
        lx = _lex()
        for k in range(i + 2, min(len(tokens), i + 20)):
            if tokens[k].sent != tokens[i].sent:
                break
            if tokens[k].text in ("،", ","):
                if _list_comma(tokens, k, lx):
                    continue  # «به نقل از وزارت صنعت، معدن و تجارت،»
                return _skip_openers(tokens, k + 1) if k + 1 < len(tokens) and tokens[k + 1].text != "به" else k + 1
            if _title_at(tokens, k) or _name_start(tokens, k):
                return k
        return i
    if tokens[i].text in ("گروه", "سرویس"):
        # a news desk label: «گروه اجتماعی: مدیر کل ... گفت»
        for k in range(i + 1, min(len(tokens), i + 4)):
            if tokens[k].sent != tokens[i].sent or tokens[k].text in _PUNCT and tokens[k].text != ":":
                break
            if tokens[k].text == ":":
                return _skip_openers(tokens, k + 1) if k + 1 < len(tokens) and tokens[k + 1].sent == tokens[i].sent \
                    else i
    if i + 1 < len(tokens) and tokens[i].text in ("«", '"', "“") and _name_start(tokens, i + 1):
        return i + 1  # «حسین میرزایی» سخنگوی ...
    if tokens[i].text not in _OPENER_HEADS:
        return i
    for seq in _OPENERS:
        n = len(seq)
        if all(i + k < len(tokens) and tokens[i + k].text == seq[k] for k in range(n)):
            return i + n
    return i


def _speech_in_sentence(tokens: TokenView, i: int) -> tuple[int, bool] | None:
    """First speech verb at or after token i in the same sentence: (token index, continues). Read from the
    view's index of speech verbs (a one-line text may be one long sentence: scanning it for every name
    would take quadratic time)."""
    if i >= len(tokens):
        return None
    at, found = tokens.speech_verbs
    n = bisect.bisect_left(at, i)
    if n < len(at) and tokens[at[n]].sent == tokens[i].sent:
        return found[n]
    return None


def _near_verb(tokens: list[Tok], k: int) -> tuple[int, bool] | None:
    """A speech verb right at token k, allowing ``نیز``, ``هم``, ``همچنین``, ``در ادامه`` before it."""
    while k < len(tokens):
        if tokens[k].text in ("نیز", "هم", "همچنین"):
            k += 1
        elif tokens[k].text == "در" and k + 1 < len(tokens) and tokens[k + 1].text in ("ادامه", "پایان"):
            k += 2
        else:
            break
    if k < len(tokens):
        v = _verb_at(tokens, k)
        if v:
            return k, v[1]
    return None


def _same_role(a: Role, b: Role) -> bool:
    """Two role mentions of one office: similar titles and, when both name an organisation,
    a shared distinctive organisation word (``شهرستان``, ``استان`` and place names do not count:
    two offices of one city are different roles)."""
    ka, kb = _key(a.title), _key(b.title)
    if not (ka.startswith(kb) or kb.startswith(ka)):
        return False
    places = _lex()["places"]
    oa = {w for w in a.organization.split() if w not in _GENERIC_ORG and w not in places}
    ob = {w for w in b.organization.split() if w not in _GENERIC_ORG and w not in places}
    if oa and ob:
        return bool(oa & ob)
    return ka == kb and not oa and not ob or (len(ka) > 8 and ka == kb)


class _Resolver:
    """Reads one document's tokens left to right (``run``) and keeps what it found: the people
    (``people``), every role phrase (``roles``), the quotes and the statements; and the discourse state
    the rules read on the way: the last named speaker, an unnamed role that spoke and whose turn a later
    name may continue (``pending_role``), the sentences whose subject was seen (``mentioned``)."""

    def __init__(self, ctx: DocContext):
        self.ctx = ctx
        self.tokens = TokenView.of(ctx)
        self.people: list[Person] = []
        self.roles: list[Role] = []
        self.quotes: list[dict] = []
        # every attributed speech: (speaker Person, or the unnamed Role that spoke, speech verb token index)
        self.statements: list[tuple[Person | Role, int]] = []
        self.ner_people = {e.start: e for e in ctx.entities if e.label == "PER"}
        self.last_speaker: Person | None = None
        self.last_speaker_sent = -10
        self.pending_role: Role | None = None   # an unnamed role that spoke
        self.mentioned: set[int] = set()        # sentences whose first mention (the subject) was seen
        self._quote_floor = 0   # where the last quote ended: quotes never overlap
        # the token where each sentence's subject starts, and the sentences opened by «به گفته» (_find_subjects)
        self._subject_at: dict[int, int] = {}
        self._said_by: set[int] = set()
        # every name key of the people -> the first person with it; None when a person was added or a
        # name changed since it was built (_names_changed), rebuilt on the next question (_surname_heads)
        self._name_index: dict[str, Person] | None = None
        self._name_heads: set[str] = set()

    # -- people and the index of their names
    def _person_from_tokens(self, s, e, honor, source, score) -> Person:
        """The person named by tokens s to e: one met before under this name or a tail of it (a mention
        of them), one met by surname only (who now gets this full name), else a new person."""
        toks = self.tokens
        name = _clean_name(toks, s, e)
        kn = _key(name)
        tails = {_key(" ".join(name.split()[i:])) for i in range(1, len(name.split()))}
        for p in self.people:
            kp = p.full_key
            if kp == kn or kn in p.surname_keys:
                p.mentions.append((toks[s].start, toks[e - 1].end, "name"))
                return p
            if kp in tails:
                # a surname-only person gets their full name
                p.mentions.append((p.start, p.end, "name"))
                self._rename(p, name, s, e)
                p.source = source
                return p
        p = Person(name, toks[s].start, toks[e - 1].end, source, score, s, e, honorific=honor)
        self.people.append(p)
        self._names_changed()
        return p

    def _rename(self, person: Person, name: str, s: int, e: int) -> None:
        """``person`` is now called ``name``, introduced by tokens s to e."""
        toks = self.tokens
        person.name, person.start, person.end = name, toks[s].start, toks[e - 1].end
        person.tok_start, person.tok_end = s, e
        self._names_changed()

    def _names_changed(self) -> None:
        """A person was added or renamed: the index of name keys is stale."""
        self._name_index = None

    def _ner_name_at(self, i: int):
        """A PER span of the NER model that starts at token i: (start, end, honorific, source, score)."""
        ent = self.ner_people.get(self.tokens[i].start)
        if ent is None or self.tokens[i].text in PRONOUNS or _title_at(self.tokens, i):
            return None
        k = i
        while k < len(self.tokens) and self.tokens[k].end <= ent.end:
            k += 1
        # a model span may run into the next words: keep it to name-like tokens
        while k > i + 1 and not _surname_ok(self.tokens, k - 1):
            k -= 1
        if k <= i:
            return None
        toks, lx = self.tokens, _lex()
        s, honor = i, None
        h = _match_seq(toks, s, lx["honor"])
        while h and s + h < k:
            honor = " ".join(t.text for t in toks[i:s + h])
            s += h
            h = _match_seq(toks, s, lx["honor"])
        if k - s == 1 and toks[s].text in lx["first"]:
            # a given name alone («سید حسن» of «سید حسن هفده تن»): the surname follows, else no name
            while k < len(toks) and k - s < 3 and toks[k].sent == toks[s].sent and toks[k].text not in _PUNCT \
                    and toks[k].text not in lx["stop"] and toks[k].text not in PRONOUNS \
                    and re.match(f"[{LETTER}]", toks[k].text) and not (
                        _title_at(toks, k) or _verb_at(toks, k) or _match_seq(toks, k, lx["orgs"])):
                k += 1
            if k - s == 1:
                return None
        return (s, k, honor, ent.source, ent.score)

    def _trim_to_ner(self, i: int, found):
        """A rule name that runs past the end of the model's PER span starting at the same word
        (``آقای داوود جهانگردان خارجی``: the model says ``داوود``) ends where the model's span ends."""
        s, e, honor, source = found
        toks = self.tokens
        ent = self.ner_people.get(toks[s].start) or self.ner_people.get(toks[i].start)
        if ent is None or ent.end >= toks[e - 1].end or ent.end <= toks[s].start:
            return found
        k = s
        while k < e and toks[k].end <= ent.end:
            k += 1
        if k - s >= (1 if honor else 2):
            return s, k, honor, source
        return found

    # -- the reading
    def run(self) -> None:
        """Resolve the document: find where each sentence's subject starts, then read the tokens left to
        right, stepping over those where no mention can start and resolving the mention at each other."""
        self._find_subjects()
        i, n = 0, len(self.tokens)
        while i < n:
            i = self._next_candidate(i)
            if i < n:
                i = self._resolve_at(i)

    def _find_subjects(self) -> None:
        """The token where each sentence's subject starts (after openers such as «در ادامه», see
        ``_skip_openers``), and the sentences opened by «به گفته» (the subject's statement without a verb
        of its own)."""
        toks = self.tokens
        self._subject_at = {toks[k].sent: _skip_openers(toks, k) for k in _sentence_starts(toks)}
        self._said_by = {s for s, j in self._subject_at.items()
                         if j >= 2 and toks[j - 2].text == "به" and toks[j - 1].text == "گفته"}

    @cached_property
    def _can_start(self) -> list[bool]:
        """For each token, whether a name or a role can start at it (see ``_start_words``; a model PER
        span, or «سید» glued to a given name, too)."""
        words, ner_starts = _start_words(), self.ner_people
        return [t.text in words or t.start in ner_starts or t.text.startswith("سید") for t in self.tokens]

    @cached_property
    def _token_heads(self) -> list[str]:
        """Each token's key's first two characters (a punctuation mark, never a surname, gets a head no
        name key has)."""
        return ["\0\0" if t.text in _PUNCT else k[:2] for t, k in zip(self.tokens, self._token_keys)]

    def _next_candidate(self, i: int) -> int:
        """The first token at or after i where a mention may start: the subject position of its sentence,
        a later token where a name or role can start (``_can_start``), or a later mention of a known
        surname. Tokens before their sentence's subject position (its openers) never are. Most tokens are
        stepped over here; nothing here adds a person, so the name heads stay valid for the whole scan."""
        toks, subject_at, can_start = self.tokens, self._subject_at, self._can_start
        n = len(toks)
        known_people = bool(self.people)
        heads = tok_heads = None
        while i < n:
            j = subject_at[toks[i].sent]
            if i == j or i > j and can_start[i]:
                return i
            if i > j and known_people:
                if heads is None:
                    heads, tok_heads = self._surname_heads(), self._token_heads
                h = tok_heads[i]
                if not (len(h) == 2 and h not in heads) and self._known_surname(i) is not None:
                    return i
            i += 1
        return n

    def _resolve_at(self, i: int) -> int:
        """Resolve the mention at candidate token i; the index to read on from. Tried in order: a name
        (``_named_person``), a sentence-initial surname (``_sentence_initial_surname``), a later mention of
        a known surname (``_later_surname``), a pronoun opening the sentence (``_sentence_pronoun``), a role
        without a name (``_unnamed_role``)."""
        toks = self.tokens
        j = self._subject_at[toks[i].sent]
        sent_start = i == j  # at the subject position of its sentence
        # the first person or role mentioned in a sentence is its subject
        is_subj = toks[i].sent not in self.mentioned
        if sent_start and self.pending_role is not None and toks[i].sent - self.pending_role.sent > 3:
            self.pending_role = None
        found = self._name_found_at(i)
        if found:
            return self._named_person(i, j, found, is_subj)
        if sent_start and _surname_candidate(toks, j):
            nxt = self._sentence_initial_surname(j)
            if nxt is not None:
                return nxt
        known = self._known_surname(i)
        if known:
            return self._later_surname(i, j, known, is_subj)
        if sent_start and toks[j].text in PRONOUNS:
            nxt = self._sentence_pronoun(j)
            if nxt is not None:
                return nxt
        role = _role_at(toks, i)
        if role:
            return self._unnamed_role(i, j, role, is_subj)
        return i + 1

    def _name_found_at(self, i: int):
        """A name starting at token i, as (start, end, honorific, source[, score]): a rule name (given name,
        honorific), cut to the model's PER span at the same word; else, unless a known surname is there,
        the model's PER span (the model adds names the lexicon lacks); else None."""
        found = _name_at(self.tokens, i)
        if found is None:
            return self._ner_name_at(i) if self._known_surname(i) is None else None
        return self._trim_to_ner(i, found)

    def _named_person(self, i: int, j: int, found, is_subj: bool) -> int:
        """A name found at token i (``_name_found_at``): the person it names (a new one, or one named
        before), their role next to the name, and their speech when they are the sentence's subject."""
        toks = self.tokens
        s, e, honor, source, *score = found
        score = score[0] if score else (0.85 if source.endswith("first_name") else 0.75)
        person = self._person_from_tokens(s, e, honor, source, score)
        if e - s == 1 and " " not in person.name:
            self._complete_name(person, s)
        nxt = self._role_around_name(person, i, e, is_subj)
        self.mentioned.add(toks[i].sent)
        speech = _speech_in_sentence(toks, s)
        if speech is None and is_subj and toks[i].sent in self._said_by:
            speech = (j - 1, True)  # «به گفته X ...»: the sentence is X's statement
        if speech and is_subj:
            self._speaks(person, speech)
            self.pending_role = None  # a named speaker closes an unnamed role's turn
        return max(nxt, i + 1)

    def _role_around_name(self, person: Person, i: int, e: int, is_subj: bool) -> int:
        """The role of a person whose name mention runs from token i (honorific included) to e: the role
        right after the name (past a closing quote mark and a comma); else one that ends right before
        it; else, for the subject, the unnamed role whose speech the name continues (discourse). The
        index after the role after the name, or after the name."""
        toks = self.tokens
        k = e
        if k < len(toks) and toks[k].text in ("»", '"', "”") and k + 1 < len(toks):
            k += 1  # «حسین میرزایی» سخنگوی ...
        if k < len(toks) and toks[k].text in ("،", ",", "-"):
            k += 1
        role = _role_at(toks, k) if k < len(toks) else None
        if role:
            self._assign(person, role, "rule:officials.name_role")
            self.roles.append(role)
            return role.end
        before = self._role_ending_at(i)
        if before is not None and person.role is None:
            self._assign(person, before, "rule:officials.role_name")
        pending = self.pending_role
        near = _near_verb(toks, e)
        speech = _speech_in_sentence(toks, e)
        if person.role is None and pending is not None and is_subj \
                and self._continues(toks[i].sent, pending, near, speech):
            self._assign(person, pending, "rule:officials.discourse")
            self.pending_role = None
        return e

    def _sentence_initial_surname(self, j: int) -> int | None:
        """A surname candidate at the subject position j: a known person's surname; else a new person
        when a role follows it or it continues an unnamed role's speech (a continuing verb, or the model
        calls it a name). The index to read on from, or None when it is no person."""
        toks = self.tokens
        self.mentioned.add(toks[j].sent)
        k = j + 1
        role = _role_at(toks, k) if k < len(toks) else None
        speech = _speech_in_sentence(toks, k) if k < len(toks) else None
        near = _near_verb(toks, k) or (speech if speech is not None and speech[1] else None)
        known = self._known_surname(j)
        if known:
            person, e = known
            person.mentions.append((toks[j].start, toks[e - 1].end, "surname"))
            speech = _speech_in_sentence(toks, j)
            nxt = self._role_after_surname(person, e)
            pending = self.pending_role
            if person.role is None and pending is not None and self._continues(toks[j].sent, pending, near, speech):
                # a person named earlier without a role continues an unnamed role's speech
                self._assign(person, pending, "rule:officials.discourse")
                self.pending_role = None
            if speech:
                self._speaks(person, speech)
            return nxt
        pending = self.pending_role
        model_says = self._ner_name_at(j) is not None
        if not (role is not None or pending is not None and (near or model_says and self._continues(
                toks[j].sent, pending, None, speech))):
            return None
        person = self._person_from_tokens(j, j + 1, None, "rule:officials.surname", 0.7)
        self._complete_name(person, j)
        if role is not None:
            self._assign(person, role, "rule:officials.name_role")
            self.roles.append(role)
            nxt = role.end
        else:
            self._assign(person, pending, "rule:officials.discourse")
            self.pending_role = None
            nxt = j + 1
        speech = _speech_in_sentence(toks, j)
        if speech:
            self._speaks(person, speech)
        return nxt

    def _later_surname(self, i: int, j: int, known: tuple[Person, int], is_subj: bool) -> int:
        """A later mention of a known person's surname at token i (``known``: the person, the mention's
        end): a mention, their speech when they are the subject, and a role written after it."""
        toks = self.tokens
        person, e = known
        person.mentions.append((toks[i].start, toks[e - 1].end, "surname"))
        self.mentioned.add(toks[i].sent)
        speech = _speech_in_sentence(toks, i) if is_subj else None
        if speech is None and is_subj and i == j and toks[i].sent in self._said_by:
            speech = (j - 1, True)
        if speech:
            self._speaks(person, speech)
        return self._role_after_surname(person, e)

    def _sentence_pronoun(self, j: int) -> int | None:
        """A pronoun (وی، ایشان، او) at the subject position j: a mention of the last named speaker, who
        speaks again; or, with none, the unnamed role that spoke goes on (``وی افزود``). The index after
        the pronoun, or None when it resolves to neither."""
        toks = self.tokens
        self.mentioned.add(toks[j].sent)
        speaker = self.last_speaker
        if speaker is not None:
            speaker.mentions.append((toks[j].start, toks[j].end, "pronoun"))
            speech = _speech_in_sentence(toks, j)
            if speech:
                self._speaks(speaker, speech)
            return j + 1
        speech = _speech_in_sentence(toks, j)
        pending = self.pending_role
        if pending is not None and speech and toks[j].sent - pending.sent <= 3:
            # «وی افزود» after an unnamed role spoke: the role's statement goes on
            self.statements.append((pending, speech[0]))
            self._quote(_role_text(pending), speech[0])
            return j + 1
        return None

    def _unnamed_role(self, i: int, j: int, role: Role, is_subj: bool) -> int:
        """A role phrase at token i with no name next to it: a mention of the person who holds that role,
        if any; else, when it is the subject and speaks, either the role of the last speaker who had none
        (discourse: ``سنجری ... گفت`` then ``مدیرکل کار ... افزود``) or an unnamed role that spoke, which a
        later name may continue (``pending_role``). The index after the role."""
        toks = self.tokens
        self.roles.append(role)
        owner = next((p for p in self.people if p.role and _same_role(p.role, role)), None)
        speech = _speech_in_sentence(toks, role.end) if role.end < len(toks) else None
        if speech is None and is_subj and i == j and toks[i].sent in self._said_by:
            speech = (j - 1, True)  # «به گفته رییس اتحادیه ...، ...»
        subject = is_subj and speech is not None
        self.mentioned.add(toks[i].sent)
        if owner is not None:
            owner.mentions.append((toks[role.start].start, toks[role.end - 1].end, "role"))
            if subject:
                self._speaks(owner, speech)
        elif subject:
            after = toks[role.end].text if role.end < len(toks) else ""
            cont = speech[1] or after == "همچنین"
            speaker = self.last_speaker
            if cont and speaker is not None and speaker.role is None \
                    and toks[i].sent - self.last_speaker_sent <= 2:
                self._assign(speaker, role, "rule:officials.discourse")
                speaker.mentions.append((toks[role.start].start, toks[role.end - 1].end, "role"))
                self._speaks(speaker, speech)
            else:
                self.pending_role = role
                self.last_speaker = None
                self.statements.append((role, speech[0]))
                self._quote(_role_text(role), speech[0])
        return role.end

    def _continues(self, sent: int, role: Role, near, speech) -> bool:
        """Whether a name that is the subject of sentence ``sent`` carries on the speech of the
        unnamed ``role`` (the guideline's discourse link): a continuing verb (افزود, ادامه داد) or
        «به گفته» within three sentences; any verb of saying (گفت) in the next two."""
        gap = sent - role.sent
        if gap < 0:
            return False
        if near or (speech is not None and speech[1]) or sent in self._said_by:
            return gap <= 3
        return speech is not None and gap <= 2

    def _role_after_surname(self, person: Person, e: int) -> int:
        """A later surname mention followed by a role (``محمودزاده سرپرست معاونت مسکن ...``) gives a
        person named earlier without one that role; the index after the mention (and role)."""
        toks = self.tokens
        k = e
        if k < len(toks) and toks[k].text in ("،", ","):
            k += 1
        role = _role_at(toks, k) if k < len(toks) else None
        if role is None:
            return e
        self.roles.append(role)
        if person.role is None:
            self._assign(person, role, "rule:officials.name_role")
        return role.end

    def _speaks(self, person: Person, speech: tuple[int, bool]) -> None:
        """``person`` is the subject of the speech verb at ``speech[0]``: remember them, take the quote."""
        person.spoke = True
        self.last_speaker, self.last_speaker_sent = person, self.tokens[speech[0]].sent
        self.statements.append((person, speech[0]))
        self._quote(person.name, speech[0])

    def _complete_name(self, person: Person, upto: int) -> None:
        """A surname-only person whose given name was written with it earlier in the text
        (``امید قادری ...`` then ``قادری افزود``) gets the full name."""
        k = self._after_given.get(person.name, upto)
        if k < upto:
            person.mentions.append((person.start, person.end, "surname"))
            self._rename(person, f"{self.tokens[k - 1].text} {person.name}", k - 1, k + 1)

    @cached_property
    def _after_given(self) -> dict[str, int]:
        """Each word's first place right after a given name, built once (not a scan per person)."""
        lx = _lex()
        toks = self.tokens
        after_given: dict[str, int] = {}
        for k in range(1, len(toks)):
            if toks[k - 1].text in lx["first"] or toks[k - 1].text in lx["first_amb"]:
                after_given.setdefault(toks[k].text, k)
        return after_given

    def _role_ending_at(self, s: int) -> Role | None:
        """A role phrase that ends right before token s (``استاندار یزد محمد میرمحمدی``)."""
        toks = self.tokens
        end = s
        if end > 0 and toks[end - 1].text in ("«", '"', "“"):
            end -= 1
        if end > 0 and toks[end - 1].text in ("،", ","):
            end -= 1
        for back in range(1, 13):
            i = end - back
            if i < 0 or toks[i].sent != toks[s].sent:
                break
            if toks[i].text in _PUNCT and toks[i].text not in ("،", ","):
                break
            r = _role_at(toks, i)
            if r is not None and r.end == end:
                return r
        return None

    def _surname_heads(self) -> set[str]:
        """The first two characters of every name key; the index of name keys (``_name_index``) is rebuilt
        first when ``_names_changed`` dropped it (a person was added or renamed since it was built)."""
        if self._name_index is None:
            index: dict[str, Person] = {}
            for p in reversed(self.people):
                for k in p.surname_keys:
                    index[k] = p
            self._name_index, self._name_heads = index, {k[:2] for k in index}
        return self._name_heads

    @cached_property
    def _token_keys(self) -> list[str]:
        """Each token's key: a token holds no whitespace (``_TOKEN``), so its text without ZWNJ, as
        ``_key`` gives."""
        return [t.text.replace("\u200c", "") for t in self.tokens]

    def _known_surname(self, i: int) -> tuple[Person, int] | None:
        """(person, end) when the tokens from i (three at most) spell a name key of a known person."""
        toks = self.tokens
        if not self.people or toks[i].text in _PUNCT:
            return None
        heads = self._surname_heads()
        index = self._name_index
        keys = self._token_keys
        head = keys[i][:2]
        if len(head) == 2 and head not in heads:
            return None  # no name key starts like this token
        for n in (3, 2, 1):
            if i + n > len(toks):
                continue
            key = "".join(keys[i:i + n])
            if len(key) >= 3 and key in index:
                return index[key], i + n
        return None

    def _assign(self, person: Person, role: Role, source: str) -> None:
        """Give ``person`` this role, unless they already have one (the first role found stands)."""
        if person.role is None:
            person.role, person.role_source = role, source

    def _quote(self, speaker: str, verb_idx: int) -> None:
        """The quoted statement after ``<speaker> ... گفت:``. It ends at the first of: the closing
        ``»`` of a quote opened with ``«``; the end of the paragraph (a newline); the sentence before the
        next attribution (a sentence with a speech verb or ``به گزارش``); ``_QUOTE_SENTENCES`` sentences.
        Quotes never overlap, so all quotes of a document together are no longer than its text."""
        toks = self.tokens
        text = self.ctx.body
        k = verb_idx
        while k < len(toks) and toks[k].text != ":" and toks[k].sent == toks[verb_idx].sent and k - verb_idx < 4:
            k += 1
        if k >= len(toks) or toks[k].text != ":":
            return
        start = toks[k].end
        if start < self._quote_floor:
            return  # inside the previous quote
        nl = text.find("\n", start, start + _QUOTE_CHARS)
        end = min(len(text), start + _QUOTE_CHARS) if nl < 0 else nl
        s = start
        while s < end and text[s] in " \u200c":
            s += 1
        closing = None
        if s < end and text[s] in "«\"“":
            opener = text[s]
            close = {"«": "»", "“": "”"}.get(opener, opener)
            depth, m = 1, s + 1
            while m < end:
                ch = text[m]
                if ch == close:
                    depth -= 1
                    if depth == 0:
                        closing = m + 1
                        break
                elif ch == opener:
                    depth += 1
                m += 1
        if closing is not None:
            end = closing
        else:
            # whole sentences: stop before the next attribution or after _QUOTE_SENTENCES sentences
            sents = self.ctx.sentences
            first = toks[k].sent
            for si in range(first + 1, min(len(sents), first + _QUOTE_SENTENCES + 1)):
                if sents[si][0] >= end:
                    break
                if si in self._attributed or si == first + _QUOTE_SENTENCES:
                    end = min(end, sents[si][0])
                    break
        while start < end and text[start] in " «\u200c":
            start += 1
        while end > start and text[end - 1] in " »\u200c":
            end -= 1
        if end - start >= 10:
            self._quote_floor = end
            self.quotes.append({"speaker": speaker, "start": start, "end": end})

    @cached_property
    def _attributed(self) -> set[int]:
        """Sentences that open a new statement: they hold a speech verb or ``به گزارش``."""
        toks, got, heads = self.tokens, set(), _lex()["verbs"]
        for i, t in enumerate(toks):
            if t.sent not in got and (t.text in heads and _verb_at(toks, i) or (
                    t.text == "به" and i + 1 < len(toks) and toks[i + 1].text in ("گزارش", "گفته"))):
                got.add(t.sent)
        return got


# a column of past events ("on this day", chronology): its people are historical mentions, not officials
_HISTORY_MARKERS = ("وقایع تاریخی", "رویدادهای تاریخی", "رخدادهای تاریخی", "در گذر زمان", "در چنین روزی",
                    "روزشمار", "تقویم تاریخ", "تاریخ اقتصاد", "روزی در تاریخ", "امروز در تاریخ")
_ENTRY_DIGITS = "0-9۰-۹"


@lru_cache(maxsize=1)
def _entry_re() -> re.Pattern:
    """A chronology entry opening a line: «4 اسفند 1289،», «۱۵ بهمن ۱۳۵۷ -»."""
    months = "|".join(sorted(lexicon.months(), key=len, reverse=True))
    d = _ENTRY_DIGITS
    return re.compile(rf"(?m)^\s*[{d}]{{1,2}}\s*(?:{months})(?:\s*ماه)?\s*[{d}]{{4}}\s*[،,:\-–]")


def _history_column(ctx: DocContext) -> bool:
    """The headline or the first sentences say the text is a column of past events, or three lines or
    more open with a full date (day, month, year) like the entries of a chronology."""
    sents = ctx.sentences[:4]
    lead = ctx.body[:sents[-1][1]] if sents else ""
    if any(m in lead for m in _HISTORY_MARKERS):
        return True
    return len(_entry_re().findall(ctx.body, 0, 200_000)) >= 3


def _role_text(role: Role) -> str:
    return role.title + (" " + role.organization if role.organization else "")


def _is_official(p: Person) -> bool:
    return p.role is not None or bool(p.honorific and p.spoke and p.honorific in ("دکتر", "مهندس"))


def _statement(r: "_Resolver", who: "Person | Role", verb: int, officials: list[Person]) -> Found:
    """A ``statement`` item at the speech verb: who said it (an official's name, or None for an
    unnamed role or a person who is not an official). An unnamed role that spoke is the person
    the discourse later gave that role to."""
    if isinstance(who, Role):
        who = next((p for p in officials if p.role is who), None) \
            or next((p for p in officials if p.role is not None and _same_role(p.role, who)), None)
    elif who not in officials:
        who = None
    tok = r.tokens[verb]
    return Found("statement", tok.start, tok.end, {"speaker": who.name if who else None, "sentence": tok.sent},
                 source="rule:officials.statement", score=0.8)


def extract(ctx: DocContext) -> list[Found]:
    r = _Resolver(ctx)
    r.run()
    out: list[Found] = []
    history = _history_column(ctx)
    kept = [] if history else [p for p in r.people if _is_official(p)]
    for p in kept:
        role = p.role
        data = {
            "name": p.name,
            "title": role.title if role else None,
            "organization": role.organization or None if role else None,
            "honorific": p.honorific,
            "role_source": p.role_source,
            "mentions": [[s, e] for s, e, _ in p.mentions],
        }
        if role:
            data["title_span"] = list(role.title_span)
            data["organization_span"] = list(role.org_span) if role.org_span else None
        score = p.score * (0.9 if p.role_source == "rule:officials.discourse" else 1.0)
        out.append(Found("official", p.start, p.end, data, source=p.source, score=round(score, 3)))
    for q in r.quotes:
        out.append(Found("quote", q["start"], q["end"], {"speaker": q["speaker"]}, source="rule:officials.quote", score=0.8))
    for who, verb in r.statements:
        out.append(_statement(r, who, verb, kept))
    for role in r.roles:
        if role.org_span:
            out.append(Found("organization", role.org_span[0], role.org_span[1], {"name": role.organization},
                             source="rule:officials.role_organization", score=0.7))
    return out

"""Events: the occasion a news text reports and, when its headline or lead states money
allocated, paid, lent or invested, a ``funding`` event (``eval/GUIDELINES.md``, "events").

The occasion is exactly one of ten types, decided in this order from the words of
``lexicons/event_triggers.tsv``:

1. a column or round-up label heading the text (``کوتاه``, ``نگاه``, ``گزارشی از``) -> ``report``;
2. a setting named in the headline or lead (the first body paragraph, with the ``به گزارش``
   sentence that follows it): ``کارگاه آموزشی``, ``نشست``, ``بازدید``, ``مراسم``, ``تفاهم‌نامه``,
   ``منصوب``, ``در گفتگو با`` ... Words that are also ordinary topics (``سفر``, ``شورای``,
   ``کمیسیون``, ``کارگاه``) count only as a place where something happens (``در سفر به``,
   ``در شورای ...``) or is held (``برگزاری ...``). The press (``interview``) counts only when no
   other setting is named: words said to reporters at a visit or on a ceremony's sidelines take
   the visit's or the ceremony's type. The headline's setting comes first, then the earliest;
3. else the body's first setting named with ``در`` (``... در جمع خبرنگاران افزود``);
4. else ``incident`` when the headline or lead reports an accident, disaster, death or protest;
5. else ``announcement`` for what will be done or is decided, ``report`` for what was done;
   when the lead has both, the headline decides.

``funding`` is added when a sentence of the headline or lead has a funding word (``اختصاص``,
``پرداخت``, ``تسهیلات``, ``وام``, ``اعتبار``, ``واریز`` ...) and does not say the money is only
needed (``نیازمند``, ``کمبود``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from welfare_nlp.text import lexicon
from welfare_nlp.text.context import _SENT_END, DocContext, Found, Layout
from welfare_nlp.text.normalize import LETTER

NAME = "events"
OCCASIONS = ("workshop", "meeting", "visit", "ceremony", "agreement", "appointment", "interview", "incident",
             "report", "announcement")
_B, _E = rf"(?<![{LETTER}‌])", rf"(?![{LETTER}])"
# «در», «در حاشیه», «در این», «در دومین»: the setting is where something is said or happens
_IN = re.compile(r"(?:^|\s)در\s+(?:حاشیه\s+)?(?:(?:این|آن|همین|نخستین|اولین|\S+مین)\s+)?$")
_HELD = re.compile(r"برگزاری\s+(?:(?:نخستین|اولین|\S+مین)\s+)?$")
_SHORT_LABEL = 3     # words in a headline line that is only a column label
_BODY_PARAGRAPHS = 2  # the body paragraphs after the lead that may still name its setting
# «این نشست» refers back to a setting already named; «سالن کنفرانس» is a room, «کارگاه» after
# «در» may be a workplace: only what is held (برگزار) or said there is a setting
_BACK_REF = re.compile(r"(?:این|آن|همین)\s+$")
_VENUE = re.compile(r"(?:سالن|محل|ساختمان|مرکز)\s+$")
_HELD_AFTER = re.compile(r"برگزار\s*(?:شد|گردید|می‌شود|خواهد|کرد|کردند)")
_APPROVED_AFTER = re.compile(r"تصویب|مصوب")      # a council or parliament that decides sits
_FUTURE = re.compile(r"خواهد|خواهند|(?:می‌شود|می‌شوند)\s*(?:[.!؟?]|$)")
_DEVOTED = re.compile(r"\s*(?:داشت|دارد|یافته است به|یافت به)")
_SENT_FINAL = re.compile(r"\s*(?:[.!؟?\n]|$)")


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    type: str
    kind: str
    framed: bool      # «در ...» or «برگزاری ...» before it


@lru_cache(maxsize=1)
def _patterns() -> dict[str, tuple[re.Pattern, dict[str, dict]]]:
    by_kind: dict[str, dict[str, dict]] = {}
    for row in lexicon.event_triggers():
        by_kind.setdefault(row["kind"], {})[_key(row["trigger"])] = row
    out = {}
    for kind, rows in by_kind.items():
        words = sorted({r["trigger"] for r in rows.values()}, key=len, reverse=True)
        alt = "|".join(_flexible(w) for w in words)
        out[kind] = (re.compile(rf"{_B}(?:{alt}){_E}"), rows)
    return out


def _flexible(phrase: str) -> str:
    """A pattern for a phrase whose words may be joined by a space, a ZWNJ or nothing."""
    return re.sub(r"[ ‌]", "[ ‌]?", re.escape(phrase).replace("\\ ", " "))


def _key(word: str) -> str:
    return re.sub(r"[ ‌]", "", word)


@lru_cache(maxsize=1)
def _quote_colon() -> re.Pattern:
    """A speech verb and the colon that opens the quoted words (``گفت:``), not a desk label."""
    verbs = sorted(lexicon.speech_verbs(), key=len, reverse=True)
    alt = "|".join(_flexible(v) for v in verbs)
    return re.compile(rf"{_B}(?:{alt})\s*:")


def _sentence_start(text: str, pos: int) -> int:
    ends = [m.end() for m in _SENT_END.finditer(text, max(0, pos - 400), pos)]
    return ends[-1] if ends else max(0, pos - 400)


def _hits(text: str, kinds: tuple[str, ...], start: int, end: int, layout: Layout | None = None) -> list[Hit]:
    """Trigger words of ``kinds`` in text[start:end]. With the ``layout``, a setting inside quoted
    words (after «گفت:») or in a sentence about the future below the lead is left out."""
    headline_end, lead_end = (layout.headline_end, layout.lead_end) if layout else (0, 0)
    out = []
    for kind in kinds:
        pattern, rows = _patterns()[kind]
        for m in pattern.finditer(text, start, end):
            row = rows.get(_key(m.group()))
            if row is None:
                continue
            before = text[max(0, m.start() - 40):m.start()]
            if kind in ("setting", "weak") and _VENUE.search(before):
                continue
            if kind == "will_end" and not _SENT_FINAL.match(text, m.end()):
                continue
            if kind == "funding" and _DEVOTED.match(text, m.end()):
                continue  # «... اختصاص داشت»: was devoted to, not money
            sentence_end = _SENT_END.search(text, m.end())
            after = text[m.end():sentence_end.start() if sentence_end else len(text)]
            framed = bool(_IN.search(before) or _HELD.search(before) or _HELD_AFTER.search(after))
            if kind in ("setting", "weak") and layout is not None:
                if _BACK_REF.search(before):
                    framed = False
                sentence_start = _sentence_start(text, m.start())
                if _quote_colon().search(text, max(sentence_start, headline_end), m.start()):
                    continue  # inside quoted words: a topic, not where they were said
                if m.start() >= lead_end and _FUTURE.search(text, sentence_start,
                                                           sentence_end.end() if sentence_end else len(text)):
                    continue  # a setting still to come is not where anything was said
                if row["type"] == "meeting" and m.start() < lead_end and _APPROVED_AFTER.search(after):
                    framed = True
            out.append(Hit(m.start(), m.end(), row["type"], "will" if kind == "will_end" else kind, framed))
    out.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept, last = [], -1
    for h in out:  # the longest trigger at a place: «نشست خبری» is the press, not a meeting
        if h.start >= last:
            kept.append(h)
            last = h.end
    return kept


def _column(ctx: DocContext) -> Hit | None:
    text, lay = ctx.body, ctx.layout
    for h in _hits(text, ("column",), 0, lay.lead_end):
        line_start = text.rfind("\n", 0, h.start) + 1
        line_end = text.find("\n", h.end)
        line = text[line_start:line_end if line_end >= 0 else len(text)]
        one_word = len(text[h.start:h.end].split()) == 1
        if not one_word or (h.start < lay.headline_end and len(line.split()) <= _SHORT_LABEL):
            return h
    return None


def _choose(hits: list[Hit], headline_end: int, sentences) -> Hit | None:
    """The setting of the headline, else the first; the press only when nothing else frames
    the words; a trip during which officials meet is a meeting."""
    if not hits:
        return None
    if any(h.type != "interview" for h in hits):
        hits = [h for h in hits if h.type != "interview"]
    head = [h for h in hits if h.start < headline_end]
    best = (head or hits)[0]
    if best.type == "visit":
        same = [h for h in hits if h.type == "meeting" and _same_sentence(sentences, best.start, h.start)]
        best = same[0] if same else best
    return best


def _same_sentence(sentences, a: int, b: int) -> bool:
    return any(s <= a < e and s <= b < e for s, e in sentences)


def occasion(ctx: DocContext) -> tuple[str, Hit | None, str]:
    """(type, the words that decided it or None, which rule decided)."""
    text, lay = ctx.body, ctx.layout
    col = _column(ctx)
    if col is not None:
        return "report", col, "column"
    settings = ("setting", "weak")
    sents = ctx.sentences
    front = [h for h in _hits(text, settings, 0, lay.lead_end, lay)
             if h.framed or h.kind == "setting" and not _BACK_REF.search(text[max(0, h.start - 10):h.start])]
    best = _choose(front, lay.headline_end, sents)
    if best is None:
        after = [p for p in ctx.paragraphs if p[0] >= lay.lead_end][:_BODY_PARAGRAPHS]
        body = [h for h in _hits(text, settings, after[0][0], after[-1][1], lay) if h.framed] if after else []
        if body:  # the first setting named there, or what frames the press in its sentence
            best = _choose([h for h in body if _same_sentence(sents, body[0].start, h.start)], 0, sents)
    if best is not None:
        return best.type, best, "setting"
    incident = _hits(text, ("incident",), 0, lay.lead_end)
    if incident:
        return "incident", incident[0], "incident"
    for start, end in ((0, lay.headline_end), (lay.headline_end, lay.lead_end)):
        marks = _hits(text, ("done", "will", "will_end"), start, end)
        done = [h for h in marks if h.kind == "done"]
        will = [h for h in marks if h.kind == "will"]
        if will and (not done or len(will) > len(done) or start == 0 and will[0].start < done[0].start):
            return "announcement", will[0], "tense"
        if done:
            return "report", done[0], "tense"
    return "report", None, "default"


def funding_words_in(text: str, start: int, end: int) -> list[Hit]:
    """Funding words of text[start:end], a sentence, unless it says the money is only needed."""
    if _hits(text, ("needed",), start, end):
        return []
    return _hits(text, ("funding",), start, end)


def funding(ctx: DocContext) -> Hit | None:
    """The first funding word of a headline or lead sentence that does not only ask for money."""
    text, lay = ctx.body, ctx.layout
    for s, e in ctx.sentences:
        if s >= lay.lead_end:
            break
        hits = funding_words_in(text, s, min(e, lay.lead_end))
        if hits:
            return hits[0]
    return None


_SCORES = {"column": 0.85, "setting": 0.8, "incident": 0.6, "tense": 0.55, "default": 0.4}


def extract(ctx: DocContext) -> list[Found]:
    text = ctx.body
    if not text.strip():
        return []
    etype, hit, rule = occasion(ctx)
    if hit is not None:
        s, e = hit.start, hit.end
    else:  # no words decided it: the event stands for the headline or lead
        s, e = ctx.sentences[0] if ctx.sentences else (0, len(text))
    out = [Found("event", s, e, {"type": etype, "trigger": text[s:e] if hit else None, "rule": rule},
                 source=f"rule:events.{rule}", score=_SCORES[rule])]
    money = funding(ctx)
    if money is not None:
        out.append(Found("event", money.start, money.end,
                         {"type": "funding", "trigger": text[money.start:money.end], "rule": "funding"},
                         source="rule:events.funding", score=0.7))
    return out

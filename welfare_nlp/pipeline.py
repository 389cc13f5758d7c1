"""Loading the pipeline and turning a processed document into its record."""
from __future__ import annotations

import datetime as _dt
import threading
from typing import Any, Iterable, Iterator

from .context import DocContext, Found
from .errors import (DocumentTooLarge, EmptyDocument, ExtractionFailed, NotText, NotUnicode,
                     WelfareNLPError)
from .factories import STAGES, register_spacy
from .record import (Amount, City, Date, Entity, Event, HeadCount, Official, Organization, Percentage,
                     Province, Quote, Record, Span, content_id)

_LOCK = threading.Lock()
_DEFAULT = None


def load(*, ner: str | None = "default", stages: list[str] | None = None):
    """A spaCy ``Language`` (Persian) whose tokenizer normalises and whose components are the
    welfare_nlp stages, in order: ``welfare_boilerplate``, ``welfare_ner``, ``welfare_provinces``, ...

    ``ner``: ``"default"`` for the model shipped in ``models/ner`` (E008 if it is missing; so is the
    shipped topic model, E017, unless ``stages`` leaves ``topic`` out), a path to another spaCy NER
    model or to a Hugging Face token-classification model directory (safetensors), or ``None`` for rules and gazetteers only.

    ``doc.spans`` holds the items per kind, ``doc.ents`` the people, organisations and places,
    ``doc._.record`` the record with offsets into the original text.
    """
    from ._spacy import import_spacy

    spacy = import_spacy()  # without torch, which no stage needs: start-up time and memory
    from . import ner as _ner
    from .tokenizer import NormalizingTokenizer

    register_spacy()
    model = None
    from .shipped import require

    # a shipped model asked for and missing is an error (E008, E017), not a quieter pipeline
    require(ner=ner == "default" and "ner" in (stages or list(STAGES)), topic="topic" in (stages or list(STAGES)))
    if ner is not None and "ner" in (stages or list(STAGES)):
        model = _ner.get_model(None if ner == "default" else str(ner))  # load now: errors surface at load()
    # one Vocab for the pipeline and a spaCy NER model: every new word's string is stored once
    vocab = getattr(getattr(model, "nlp", None), "vocab", None)
    nlp = spacy.blank("fa", vocab=vocab) if vocab is not None else spacy.blank("fa")
    nlp.tokenizer = NormalizingTokenizer(nlp.tokenizer)
    for stage in stages or list(STAGES):
        if stage == "ner":
            if ner is None:
                continue
            nlp.add_pipe("welfare_ner", name="welfare_ner",
                         config={"model": None if ner == "default" else str(ner)})
            continue
        nlp.add_pipe(f"welfare_{stage}", name=f"welfare_{stage}")
    nlp.add_pipe("welfare_entities_setter", name="welfare_entities") if _entities_registered() else None
    return nlp


def _entities_registered() -> bool:
    from spacy.language import Language

    if "welfare_entities_setter" not in Language.factories:
        Language.factory("welfare_entities_setter", func=lambda nlp, name: set_entities)
    return True


def default_nlp():
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            _DEFAULT = load()
        return _DEFAULT


def parse_published(published: Any, doc_id: str | None = None,
                    warnings: list[str] | None = None) -> _dt.date | None:
    """The publication date as a Gregorian date: ISO or other Gregorian forms, or a Jalali date
    (``1402/08/20``, ``۲۰ آبان ۱۴۰۲``), converted (``dates.parse_publication_date``). A value that
    cannot be read is not an error: it gives None, and a line saying so is added to ``warnings``
    (the record's ``warnings``); the document is still extracted."""
    from .dates import parse_publication_date

    if published is None or (isinstance(published, str) and not published.strip()):
        return None
    date = parse_publication_date(published)
    if date is None and warnings is not None:
        shown = repr(published) if len(repr(published)) <= 80 else repr(published)[:77] + "..."
        warnings.append(f"W006: the publication date {shown} could not be read as a Gregorian or Jalali "
                        "date; published is null and year-less dates are not anchored")
    return date


# longest document ``extract`` accepts (characters): 12 times the longest article of the news
# corpus; memory and time grow with the length (README "Limits"), so longer input is refused
MAX_CHARS = 500_000


def _make_doc(nlp, text: Any, id: str | None, published: Any, max_chars: int | None = MAX_CHARS):
    """The tokenised, normalised Doc of one input, not yet through the stages; bad input raises."""
    if not isinstance(text, str):
        raise NotText(type(text).__name__, doc_id=id)
    if not text.strip():
        raise EmptyDocument("", doc_id=id)
    if max_chars is not None and len(text) > max_chars:
        raise DocumentTooLarge(f"{len(text):,} characters (the limit is {max_chars:,})", doc_id=id)
    warnings: list[str] = []
    pub = parse_published(published, id, warnings)
    try:
        doc = nlp.make_doc(text)  # the tokenizer refuses text that is not valid Unicode
    except NotUnicode as exc:
        raise NotUnicode(exc.detail, doc_id=id) from None
    doc._.wnlp.published = pub
    doc.user_data["id"] = id
    doc.user_data["published"] = pub.isoformat() if pub else None
    doc.user_data["warnings"] = warnings
    return doc


def extract_doc(text: str, *, id: str | None = None, published: Any = None, nlp=None,
                max_chars: int | None = MAX_CHARS):
    nlp = nlp or default_nlp()
    return nlp(_make_doc(nlp, text, id, published, max_chars))


def extract(text: str, *, id: str | None = None, published: Any = None, nlp=None,
            max_chars: int | None = MAX_CHARS) -> Record:
    """The record for one document; raises a coded ``WelfareNLPError`` for bad input (E003 for a
    text longer than ``max_chars``; ``None`` lifts the limit)."""
    return extract_doc(text, id=id, published=published, nlp=nlp, max_chars=max_chars)._.record


def extract_many(items: Iterable[tuple[str, str | None, Any]], *, nlp=None, batch_size: int = 16,
                 max_chars: int | None = MAX_CHARS) -> Iterator[Record | WelfareNLPError]:
    """For each ``(text, id, published)``, in order, its record or the coded error that stopped it.

    The documents go through the stages in batches (``nlp.pipe``), which lets the NER model work on
    several at once. A failure inside a batch never costs the others: the batch is then redone one
    document at a time, so only the document at fault gets an error."""
    nlp = nlp or default_nlp()
    batch: list[tuple[str, str | None, Any]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= batch_size:
            yield from _extract_batch(nlp, batch, max_chars)
            batch = []
    if batch:
        yield from _extract_batch(nlp, batch, max_chars)


def _extract_batch(nlp, batch, max_chars: int | None = MAX_CHARS) -> list[Record | WelfareNLPError]:
    out: list[Record | WelfareNLPError | None] = [None] * len(batch)
    ready: list[tuple[int, Any]] = []
    for k, (text, id_, published) in enumerate(batch):
        try:
            ready.append((k, _make_doc(nlp, text, id_, published, max_chars)))
        except WelfareNLPError as exc:
            out[k] = exc
        except Exception as exc:  # noqa: BLE001 - one document's failure is its own
            out[k] = ExtractionFailed(f"{type(exc).__name__}: {exc}", doc_id=id_)
    try:
        for (k, _), doc in zip(ready, nlp.pipe([d for _, d in ready], batch_size=max(1, len(ready)))):
            out[k] = doc._.record
    except Exception:  # noqa: BLE001 - find the one at fault: redo the batch one document at a time
        for k, _ in ready:
            text, id_, published = batch[k]
            try:
                out[k] = extract(text, id=id_, published=published, nlp=nlp, max_chars=max_chars)
            except WelfareNLPError as exc:
                out[k] = exc
            except Exception as exc:  # noqa: BLE001
                out[k] = ExtractionFailed(f"{type(exc).__name__}: {exc}", doc_id=id_)
    return out  # type: ignore[return-value]


# ---------------------------------------------------------------- entities on the Doc
_ENTITY_KINDS = {"official": "PER", "province": "LOC", "city": "LOC", "organization": "ORG"}


def entity_items(ctx: DocContext, nested: bool = False) -> list[tuple[str, int, int, str, float]]:
    """(label, start, end, source, score) from the NER stage and from the rule stages.

    With ``nested`` every entity is kept (``کرمان`` inside ``بهزیستی استان کرمان``); without it
    the outermost ones, as ``doc.ents`` needs."""
    out = [(e.label, e.start, e.end, e.source, e.score) for e in ctx.entities]
    for kind, label in _ENTITY_KINDS.items():
        for it in ctx.items(kind):
            out.append((label, it.start, it.end, it.source, it.score))
    out.sort(key=lambda x: (x[1], -(x[2] - x[1])))
    if nested:
        return list(dict.fromkeys(out))
    kept, last_end = [], -1
    for ent in out:
        if ent[1] >= last_end:
            kept.append(ent)
            last_end = ent[2]
    return kept


def set_entities(doc):
    spans = []
    for label, s, e, _, _ in entity_items(doc._.wnlp):
        span = doc.char_span(s, e, label=label, alignment_mode="expand")
        if span is not None and (not spans or span.start >= spans[-1].end):
            spans.append(span)
    doc.ents = spans
    return doc


# ---------------------------------------------------------------- record
def _span(ctx: DocContext, start: int, end: int) -> dict:
    rs, re_ = ctx.nt.to_raw(start, end)
    raw = ctx.nt.raw
    # trim whitespace that the mapping may have pulled in at the edges
    while rs < re_ and raw[rs].isspace():
        rs += 1
    while re_ > rs and raw[re_ - 1].isspace():
        re_ -= 1
    return {"start": rs, "end": re_, "text": raw[rs:re_]}


def _base(ctx: DocContext, it: Found) -> dict:
    return {**_span(ctx, it.start, it.end), "source": it.source, "score": round(float(it.score), 4)}


def _spans(ctx: DocContext, pairs) -> list[Span]:
    return [Span(**_span(ctx, s, e)) for s, e in pairs or []]


def build_record(ctx: DocContext, doc_id: str | None = None) -> Record:
    raw = ctx.nt.raw
    rec: dict[str, Any] = {"id": doc_id if doc_id is not None else content_id(raw),
                           "published": ctx.published.isoformat() if ctx.published else None}
    officials = []
    for it in ctx.items("official"):
        d = dict(it.data)
        ts, os_ = d.pop("title_span", None), d.pop("organization_span", None)
        officials.append(Official(**_base(ctx, it), name=d["name"], title=d.get("title"),
                                  organization=d.get("organization"), honorific=d.get("honorific"),
                                  role_source=d.get("role_source"),
                                  title_span=Span(**_span(ctx, *ts)) if ts else None,
                                  organization_span=Span(**_span(ctx, *os_)) if os_ else None,
                                  mentions=_spans(ctx, d.get("mentions"))))
    rec["officials"] = officials
    provinces: dict[str, Province] = {}
    for it in ctx.items("province"):
        name = it.data["name"]
        if name in provinces:
            provinces[name].mentions.append(Span(**_span(ctx, it.start, it.end)))
        else:
            provinces[name] = Province(**_base(ctx, it), name=name, code=it.data["code"])
    rec["provinces"] = list(provinces.values())
    cities: dict[str, City] = {}
    for it in ctx.items("city"):
        cities.setdefault(it.data["name"], City(**_base(ctx, it), **it.data))
    rec["cities"] = list(cities.values())
    orgs: dict[str, Organization] = {}
    for it in ctx.items("organization"):
        orgs.setdefault(it.data["name"], Organization(**_base(ctx, it), name=it.data["name"]))
    for e in ctx.entities:  # ORG spans of the NER model
        if e.label == "ORG":
            name = ctx.text[e.start:e.end]
            orgs.setdefault(name, Organization(**_span(ctx, e.start, e.end), name=name, source=e.source,
                                               score=round(float(e.score), 4)))
    rec["organizations"] = list(orgs.values())
    index = {o.name: k for k, o in enumerate(officials)}
    rec["amounts"] = [Amount(**_figure(ctx, it, index)) for it in ctx.items("amount")]
    rec["head_counts"] = [HeadCount(**_figure(ctx, it, index)) for it in ctx.items("head_count")]
    rec["percentages"] = [Percentage(**_base(ctx, it), **it.data) for it in ctx.items("percentage")]
    dates = []
    for it in ctx.items("date"):
        d = dict(it.data)
        mentions = d.pop("mentions", None)
        dates.append(Date(**_base(ctx, it), **d, mentions=_spans(ctx, mentions)))
    rec["dates"] = dates
    rec["events"] = _events(ctx, rec, dates)
    rec["quotes"] = [Quote(**_base(ctx, it), speaker=it.data["speaker"]) for it in ctx.items("quote")]
    rec["entities"] = [Entity(**_span(ctx, s, e), label=label, source=src, score=round(float(sc), 4))
                       for label, s, e, src, sc in entity_items(ctx, nested=True)]
    if ctx.topic:
        rec.update(topic=ctx.topic["topic"], topic_probability=ctx.topic["topic_probability"],
                   social_probability=ctx.topic["social_probability"])
    return Record(**rec)


def _figure(ctx: DocContext, it: Found, officials: dict[str, int]) -> dict:
    """An amount's or head count's fields, its ``about`` phrases as spans of the original text."""
    d = dict(it.data)
    d["about"] = [Span(**_span(ctx, s, e)) for s, e in d.get("about") or []]
    d["speaker_official"] = officials.get(d.get("speaker"))
    return {**_base(ctx, it), **d}


def _events(ctx: DocContext, rec: dict, dates: list) -> list[Event]:
    """The occasion (and the funding event), each with its date, place, participants and figures."""
    lead_end = ctx.layout.lead_end
    front = [p for p in rec["provinces"] if any(m.start < lead_end for m in [p, *p.mentions])]
    names = {p.name for p in rec["provinces"]}
    province = front[0] if len(front) == 1 else (rec["provinces"][0] if len(names) == 1 else None)
    place = province.name if province else (rec["cities"][0].name if rec["cities"] else None)
    first_date = dates[0] if dates else None
    out = []
    for k, it in enumerate(ctx.items("event")):
        amounts = [i for i, a in enumerate(rec["amounts"]) if a.event == k]
        counts = [i for i, h in enumerate(rec["head_counts"]) if h.event == k]
        speakers = {f.speaker_official for f in [*(rec["amounts"][i] for i in amounts),
                                                   *(rec["head_counts"][i] for i in counts)]}
        participants = list(range(len(rec["officials"]))) if k == 0 else sorted(s for s in speakers if s is not None)
        base = _base(ctx, it)
        out.append(Event(**base, type=it.data["type"], trigger=base["text"] if it.data["trigger"] else None,
                         date=first_date,
                         place=place, province=province.name if province else None,
                         province_code=province.code if province else None,
                         participants=participants, amounts=amounts, head_counts=counts))
    return out


def record_from_doc(doc) -> Record:
    rec = build_record(doc._.wnlp, doc.user_data.get("id"))
    if doc.user_data.get("warnings"):
        rec.warnings = list(doc.user_data["warnings"])
    return rec

"""The record of a processed document: items with offsets into the original text, officials indexed,
figures linked to their officials and events; and the PER/ORG/LOC entities set on the Doc."""
from __future__ import annotations

from welfare_nlp.record import (Amount, City, Date, Entity, Event, HeadCount, Official, Organization, Percentage,
                                Province, Quote, Record, Span, content_id)
from welfare_nlp.text.context import DocContext, Found

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


# a Doc made only for its record (``extract_many``): the stages leave out what only a Doc handed back needs
# (its span groups, ``doc.ents`` and ``doc.cats``); the record, made from ``doc._.wnlp``, is the same
RECORDS_ONLY = "welfare_nlp.records_only"


def set_entities(doc):
    if doc.user_data.get(RECORDS_ONLY):
        return doc
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

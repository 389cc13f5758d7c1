"""displaCy view of a record: the original text, right to left, with the extracted items coloured.

    >>> welfare_nlp.render(text)              # in Jupyter: shown inline (the value is an HTML string)
    >>> welfare_nlp.render(doc)               # a Doc from welfare_nlp.load()
    >>> welfare_nlp.render(record, text=raw)  # a Record or its JSON dict, with the text it came from

Items are marked on the ORIGINAL text at the record's offsets. displaCy's entity view cannot nest
marks, so where items overlap the one higher in ``PRIORITY`` is shown (an official's name over a
province inside it, a province over the organisation that contains it).

What an amount or head count is about is marked ``ABOUT`` and linked to its figure: both marks carry
the same ``data-figure`` id (``amounts-0``, ``head_counts-2``), and hovering shows the figure's
about, province and speaker (the ``title`` of its mark).
"""
from __future__ import annotations

import html
import re
from typing import Any

from welfare_nlp._spacy import spacy  # noqa: F401  # spaCy without torch (welfare_nlp._spacy), first
from spacy import displacy

from welfare_nlp.pipeline import extract

# label -> colour; the labels shown, in the order of priority where items overlap
COLORS = {
    "OFFICIAL": "#f4a6a6",
    "AMOUNT": "#9fdf9f",
    "HEAD_COUNT": "#ffd27f",
    "PERCENT": "#d9c2f0",
    "DATE": "#9ecbff",
    "ABOUT": "#fff3b0",
    "TITLE": "#f7c6e0",
    "PROVINCE": "#7fd6d0",
    "CITY": "#bfe8e5",
    "ORG": "#e0d6b8",
    "EVENT": "#d0d0d0",
}
PRIORITY = tuple(COLORS)


class HTML(str):
    """An HTML string that Jupyter shows rendered."""

    def _repr_html_(self) -> str:
        return str(self)


def marks(record: dict) -> list[dict]:
    """``{"start", "end", "label"}`` for the items of a record (JSON dict), overlaps resolved by
    ``PRIORITY``, sorted by position; an amount's or head count's mark and its ``ABOUT`` marks also
    carry ``figure`` (the id that links them) and ``tip`` (what hovering shows)."""
    cand: list[tuple[int, int, str]] = []
    for o in record.get("officials") or []:
        cand.append((o["start"], o["end"], "OFFICIAL"))
        for m in o.get("mentions") or []:
            cand.append((m["start"], m["end"], "OFFICIAL"))
        if o.get("title_span"):
            cand.append((o["title_span"]["start"], o["title_span"]["end"], "TITLE"))
        if o.get("organization_span"):
            cand.append((o["organization_span"]["start"], o["organization_span"]["end"], "ORG"))
    links: dict[tuple[int, int, str], tuple[str, str]] = {}   # mark -> (figure id, tooltip)
    for field, label in (("amounts", "AMOUNT"), ("head_counts", "HEAD_COUNT")):
        for k, it in enumerate(record.get(field) or []):
            fid = f"{field}-{k}"
            about = [a for a in it.get("about") or [] if a["end"] > a["start"]]
            tip = "; ".join(x for x in (
                "about: " + " | ".join(a["text"] for a in about) if about else "",
                f"province: {it['province']}" if it.get("province") else "",
                f"speaker: {it['speaker']}" if it.get("speaker") else "") if x)
            links[(it["start"], it["end"], label)] = (fid, tip)
            cand.append((it["start"], it["end"], label))
            for a in about:
                links.setdefault((a["start"], a["end"], "ABOUT"), (fid, f"about of {it['text']}"))
                cand.append((a["start"], a["end"], "ABOUT"))
    for field, label in (("percentages", "PERCENT"), ("cities", "CITY"), ("organizations", "ORG"),
                         ("events", "EVENT")):
        for it in record.get(field) or []:
            cand.append((it["start"], it["end"], label))
    for field, label in (("dates", "DATE"), ("provinces", "PROVINCE")):
        for it in record.get(field) or []:
            cand.append((it["start"], it["end"], label))
            for m in it.get("mentions") or []:
                cand.append((m["start"], m["end"], label))
    rank = {lab: i for i, lab in enumerate(PRIORITY)}
    cand = sorted(set(c for c in cand if c[1] > c[0]), key=lambda c: (rank[c[2]], c[0], -(c[1] - c[0])))
    kept: list[tuple[int, int, str]] = []
    for s, e, lab in cand:
        if all(e <= ks or s >= ke for ks, ke, _ in kept):
            kept.append((s, e, lab))
    out = []
    for s, e, lab in sorted(kept):
        m = {"start": s, "end": e, "label": lab}
        if (s, e, lab) in links:
            m["figure"], m["tip"] = links[(s, e, lab)]
        out.append(m)
    return out


# a mark that wraps onto the next line keeps its padding and rounded corners on every line (instead of
# being cut off at the line's edge), and a long word may break rather than run past the page edge
MARK_CSS = "box-decoration-break: clone; -webkit-box-decoration-break: clone"
BLOCK_CSS = "overflow-wrap: anywhere"


def _record_and_text(obj: Any, text: str | None, doc_id: str | None = None) -> tuple[dict, str]:
    if isinstance(obj, str) and text is None:
        return extract(obj, id=doc_id).model_dump(mode="json"), obj
    if hasattr(obj, "_") and hasattr(obj, "user_data"):  # a spaCy Doc from welfare_nlp.load()
        return obj._.record.model_dump(mode="json"), obj._.wnlp.nt.raw
    if hasattr(obj, "model_dump"):
        obj = obj.model_dump(mode="json")
    if isinstance(obj, dict):
        if text is None:
            raise ValueError("a record holds no text: render(record, text=the_original_text)")
        return obj, text
    raise TypeError(f"cannot render {type(obj).__name__}: give a text, a Doc, or a record with text=")


def render(obj: Any, *, text: str | None = None, id: str | None = None, page: bool = False,
           labels: list[str] | None = None) -> HTML:
    """displaCy entity HTML of a text (extracted here), a welfare_nlp ``Doc``, or a record (``Record``
    or JSON dict) with ``text=``, right to left (``dir="rtl"``, ``lang="fa"``). ``id`` is the heading
    (default: the record's id, unless it is a ``sha256:`` content id); ``labels`` limits the marks to
    some of ``PRIORITY``; ``page`` gives a whole HTML page."""
    record, raw = _record_and_text(obj, text, id)
    ents = marks(record)
    if labels is not None:
        ents = [m for m in ents if m["label"] in labels]
    title = id or record.get("id") or ""
    if title.startswith("sha256:"):  # a content id made up for a text without one: no heading
        title = ""
    if record.get("topic"):
        title += f" · {record['topic']} ({record.get('topic_probability', 0):.2f})"
    data = {"text": raw, "ents": [{k: m[k] for k in ("start", "end", "label")} for m in ents],
            "title": html.escape(title) or None,
            "settings": {"lang": "fa", "direction": "rtl"}}
    options = {"colors": COLORS, "ents": list(labels or PRIORITY)}
    out = displacy.render(data, style="ent", manual=True, page=page, jupyter=False, options=options)
    found = iter(ents)   # displaCy writes the marks in the order of ``ents``

    def _mark(m: re.Match) -> str:
        ent = next(found, {})
        extra = ""
        if ent.get("figure"):
            extra = f' data-figure="{html.escape(ent["figure"])}" title="{html.escape(ent["tip"])}"'
        return f'{m.group(1)}; {MARK_CSS}"{extra}'

    out = re.sub(r'(<mark class="entity" style="[^"]*)"', _mark, out)
    out = re.sub(r'(<div class="entities" style="[^"]*)"', lambda m: f'{m.group(1)}; {BLOCK_CSS}"', out)
    return HTML(out)

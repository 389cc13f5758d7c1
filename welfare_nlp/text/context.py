"""What every extraction stage shares for one document.

Stages work on the normalised text (``ctx.text``); the offsets they report are offsets
into it and are mapped back to the raw input only when the record is built.
"""
from __future__ import annotations

import bisect
import datetime as _dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from welfare_nlp.text.normalize import LETTER, NormalizedText, normalize
from welfare_nlp.text.numerals import find_numbers
from welfare_nlp.text.quantities import Quantity, quantities


@dataclass
class Found:
    """One extracted item, located in the normalised text."""

    kind: str                 # "amount", "head_count", "percentage", "province", "date", ...
    start: int
    end: int
    data: dict[str, Any]
    source: str               # "rule:<name>", "gazetteer:<lexicon>", "model:<name>"
    score: float = 1.0


@dataclass
class Entity:
    """A named-entity span (from the statistical model, gazetteers or rules)."""

    label: str                # PER, ORG, LOC, ...
    start: int
    end: int
    source: str
    score: float = 1.0


@dataclass
class DocContext:
    nt: NormalizedText
    published: _dt.date | None = None
    body_end: int | None = None
    entities: list[Entity] = field(default_factory=list)
    found: dict[str, list[Found]] = field(default_factory=dict)
    topic: dict[str, Any] | None = None   # set by the topic stage: label, probabilities, scores

    @classmethod
    def from_raw(cls, raw: str, published: _dt.date | None = None) -> "DocContext":
        return cls(nt=normalize(raw), published=published)

    @property
    def text(self) -> str:
        return self.nt.text

    @property
    def body(self) -> str:
        """The text up to trailing web boilerplate (same offsets as ``text``)."""
        end = len(self.text) if self.body_end is None else self.body_end
        return self.text[:end]

    @cached_property
    def numbers(self):
        return find_numbers(self.body)

    @cached_property
    def quantities(self) -> tuple[Quantity, ...]:
        """The body's numbers read as quantities, ranges merged (``welfare_nlp.text.quantities.quantities``):
        found once, read by the amount, head count and percentage stages."""
        return tuple(quantities(self.numbers, self.body))

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Sentence spans: split at newlines and at . ! ? ؟ followed by a space."""
        body = self.body  # one copy of the text (the property slices it on every use)
        out, start = [], 0
        for m in _SENT_END.finditer(body):
            end = m.end()
            if body[start:end].strip():
                out.append((start, end))
            start = end
        if body[start:].strip():
            out.append((start, len(body)))
        return out

    @cached_property
    def paragraphs(self) -> list[tuple[int, int]]:
        """Paragraph spans of the body (its non-blank lines), surrounding spaces trimmed."""
        body = self.body
        out = []
        for m in _PARA.finditer(body):
            s, e = m.span()
            while s < e and body[s].isspace():
                s += 1
            while e > s and body[e - 1].isspace():
                e -= 1
            if e > s:
                out.append((s, e))
        return out

    @cached_property
    def layout(self) -> "Layout":
        """Where the headline and the lead of a news text end (offsets into ``text``)."""
        return _layout(self.body, self.paragraphs)

    def sentence_at(self, pos: int) -> int:
        """Index in ``sentences`` of the sentence holding ``pos`` (the last one for the end)."""
        starts = self._sentence_starts
        k = bisect.bisect_right(starts, pos) - 1
        return max(0, min(k, len(starts) - 1))

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s for s, _ in self.sentences] or [0]

    def add(self, items: list[Found]) -> None:
        for it in items:
            self.found.setdefault(it.kind, []).append(it)

    def items(self, kind: str) -> list[Found]:
        return self.found.get(kind, [])


@dataclass(frozen=True)
class Layout:
    """``headline_end``: end of the headline lines (0 when the text opens with its lead);
    ``lead_end``: end of the lead, the first body paragraph with the ``به گزارش ...`` sentence
    that follows it."""

    headline_end: int
    lead_end: int

    def region(self, pos: int) -> str:
        return "headline" if pos < self.headline_end else "lead" if pos < self.lead_end else "body"


_PARA = re.compile(r"[^\n]+")
_ATTRIBUTION = re.compile(r"\s*به\s*گزارش")
_HEADLINE_WORDS = 25   # a headline line is short and does not end like a sentence


def _is_headline(line: str) -> bool:
    words = line.split()
    if len(words) > _HEADLINE_WORDS or _ATTRIBUTION.match(line):
        return False
    return len(words) <= 8 or not line.rstrip().endswith((".", "!", "؟", "?"))


def _layout(text: str, paras: list[tuple[int, int]]) -> Layout:
    if not paras:
        return Layout(0, len(text))
    k = 0
    while k < min(3, len(paras) - 1) and _is_headline(text[paras[k][0]:paras[k][1]]):
        k += 1
    headline_end = paras[k - 1][1] if k else 0
    lead_end = paras[k][1]
    if k + 1 < len(paras) and _ATTRIBUTION.match(text[paras[k + 1][0]:paras[k + 1][1]]):
        nxt = paras[k + 1]
        m = _SENT_END.search(text, nxt[0], nxt[1])
        lead_end = m.end() if m else nxt[1]
    return Layout(headline_end, lead_end)


_SENT_END = re.compile(rf"\n+|(?<=[{LETTER}\)»])[.!?؟](?=\s|$)")

"""What every extraction stage shares for one document.

Stages work on the normalised text (``ctx.text``); the offsets they report are offsets
into it and are mapped back to the raw input only when the record is built.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .normalize import LETTER, NormalizedText, normalize


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
        from .numbers import find_numbers

        return find_numbers(self.body)

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Sentence spans: split at newlines and at . ! ? ؟ followed by a space."""
        out, start = [], 0
        for m in _SENT_END.finditer(self.body):
            end = m.end()
            if self.body[start:end].strip():
                out.append((start, end))
            start = end
        if self.body[start:].strip():
            out.append((start, len(self.body)))
        return out

    def add(self, items: list[Found]) -> None:
        for it in items:
            self.found.setdefault(it.kind, []).append(it)

    def items(self, kind: str) -> list[Found]:
        return self.found.get(kind, [])


_SENT_END = re.compile(rf"\n+|(?<=[{LETTER}\)»])[.!?؟](?=\s|$)")


def word_before(text: str, pos: int, n: int = 1) -> str:
    """The ``n`` whitespace-separated words that end right before ``pos``."""
    words = text[max(0, pos - 80):pos].split()
    return " ".join(words[-n:]) if words else ""


def word_after(text: str, pos: int, n: int = 1) -> str:
    words = text[pos:pos + 80].split()
    return " ".join(words[:n]) if words else ""

"""CoNLL files for NER (``token<TAB>tag`` per line, IOB2, blank line between sentences):
reading, label mapping and entity spans.

Tokens are normalised one by one with the character map of ``welfare_nlp.text.normalize`` (Arabic
letters and digits unified, zero-width characters dropped), the same characters the pipeline
feeds its NER, without the spacing rules that would split a token.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from welfare_nlp.text.normalize import normalize

MISSING = "-"   # a mapped label that means "unknown here": the token is neither taught as O nor as an entity


@dataclass
class Sentence:
    tokens: list[str]
    tags: list[str]


def read_conll(path: str | Path) -> Iterator[Sentence]:
    tokens: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip():
                if tokens:
                    yield Sentence(tokens, tags)
                tokens, tags = [], []
                continue
            parts = line.split("\t") if "\t" in line else line.split()
            if len(parts) < 2:
                raise ValueError(f"{path}:{n}: expected 'token<TAB>tag', got {line!r}")
            tokens.append(parts[0])
            tags.append(parts[-1])
    if tokens:
        yield Sentence(tokens, tags)


def norm_token(tok: str) -> str:
    text = normalize(tok, rules=()).text.strip().replace(" ", "_")
    return text or "_"


def spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """Entity spans (start, end, label) from IOB2 tags; an I- without a B- starts an entity."""
    out, start, label = [], None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, lab = tag.partition("-")
        if prefix == "I" and label == lab and start is not None:
            continue
        if start is not None:
            out.append((start, i, label))
            start, label = None, None
        if prefix in ("B", "I"):
            start, label = i, lab
    return out


def map_labels(sent: Sentence, mapping: dict[str, str]) -> list[str]:
    """IOB tags with labels renamed by ``mapping`` (label -> new label, "" for O, MISSING for unknown)."""
    out = ["O"] * len(sent.tags)
    for s, e, lab in spans(sent.tags):
        new = mapping.get(lab, lab)
        for i in range(s, e):
            if new == MISSING:
                out[i] = MISSING
            elif new:
                out[i] = ("B-" if i == s else "I-") + new
    return out

"""The statistical NER stage: PER, ORG, LOC (and PEYMA's DAT, TIM, MON, PCT) spans from the model
that ships in ``models/ner`` (spaCy's own format, trained by ``welfare-nlp train-ner``).

The spans go to ``ctx.entities`` with ``source="model:ner"``; later stages use them: PER spans give
officials the names the given-name list lacks, ORG spans organisations, LOC spans accept ambiguous
province names that have no cue.
A Hugging Face token-classification model can be used instead (``welfare_nlp.ner_hf``).

Where the model lives: ``$WELFARE_NLP_NER`` if set, else ``<repo>/models/ner`` next to the package.
"""
from __future__ import annotations

import json
import os
import threading
from functools import lru_cache
from pathlib import Path

from .context import DocContext, Entity

NAME = "ner"
DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "ner"
_LOCK = threading.Lock()
MAX_PARAGRAPH = 20_000   # characters per model call; longer texts are cut at line breaks or spaces


def model_path(name: str | os.PathLike | None = None) -> Path:
    if name not in (None, "default"):
        return Path(name)
    env = os.environ.get("WELFARE_NLP_NER")
    return Path(env) if env else DEFAULT_MODEL


def available(path: str | os.PathLike | None = None) -> bool:
    p = model_path(path)
    return (p / "config.cfg").exists() and (p / "meta.json").exists()


class SpacyNER:
    """A spaCy NER model directory, loaded once (config and binary weights only, never pickle)."""

    def __init__(self, path: str | os.PathLike):
        import spacy

        self.path = Path(path)
        if not available(self.path):
            from .errors import ModelNotFound

            raise ModelNotFound(str(self.path))
        self.nlp = spacy.load(self.path)
        meta = json.loads((self.path / "meta.json").read_text(encoding="utf-8"))
        per_type = (meta.get("performance") or {}).get("ents_per_type") or {}
        # a span's score is its label's precision on the development set
        self.scores = {label: round(v.get("p", 0.8), 4) for label, v in per_type.items()}
        self.source = "model:ner"

    def __call__(self, text: str) -> list[Entity]:
        pieces = list(_paragraphs(text))
        out: list[Entity] = []
        for (offset, _), doc in zip(pieces, self.nlp.pipe(p for _, p in pieces)):
            for ent in doc.ents:
                out.append(Entity(ent.label_, offset + ent.start_char, offset + ent.end_char, self.source,
                                  self.scores.get(ent.label_, 0.8)))
        return out


    def predict_tokens(self, words: list[str]) -> list[tuple[int, int, str]]:
        """Entity spans (token start, token end, label) over given tokens (for evaluation on CoNLL)."""
        from spacy.tokens import Doc

        doc = Doc(self.nlp.vocab, words=words)
        for _, proc in self.nlp.pipeline:
            doc = proc(doc)
        return [(e.start, e.end, e.label_) for e in doc.ents]


def _paragraphs(text: str):
    """(offset, piece) pieces of at most MAX_PARAGRAPH characters, cut at line breaks where possible
    (at spaces inside a longer line). Whole documents usually fit in one piece: one model call each."""
    start, n = 0, len(text)
    while start < n:
        end = min(n, start + MAX_PARAGRAPH)
        if end < n:
            cut = text.rfind("\n", start, end)
            if cut <= start:
                cut = text.rfind(" ", start, end)
            end = cut + 1 if cut > start else end
        piece = text[start:end]
        if piece.strip():
            yield start, piece
        start = end


@lru_cache(maxsize=4)
def get_model(path: str | None = None):
    """The NER model at ``path`` (or the shipped one), loaded once per process."""
    p = model_path(path)
    with _LOCK:
        if (p / "config.json").exists() and any(p.glob("*.safetensors")):
            from .ner_hf import HFTokenClassifier

            return HFTokenClassifier(p)
        return SpacyNER(p)


def make_stage(path: str | None = None):
    """A stage function that adds the model's entities to ``ctx.entities``."""

    def stage(ctx: DocContext) -> DocContext:
        model = get_model(path)
        ctx.entities.extend(model(ctx.body))
        return ctx

    stage.__name__ = "ner"
    return stage

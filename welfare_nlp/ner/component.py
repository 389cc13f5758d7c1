"""The statistical NER stage: PER, ORG, LOC (and PEYMA's DAT, TIM, MON, PCT) spans from the model
that ships in ``models/ner`` (a spaCy pipeline whose ``welfare_tagger`` component is the BiLSTM-CRF tagger
of ``welfare_nlp.ner.tagger``, trained by ``welfare-nlp train-ner``). Any spaCy NER pipeline directory works too
(its own components run through ``nlp.pipe``).

The spans go to ``ctx.entities`` with ``source="model:ner"``; later stages use them: PER spans give
officials the names the given-name list lacks, ORG spans organisations, LOC spans accept ambiguous
province names that have no cue.
A Hugging Face token-classification model can be used instead (``welfare_nlp.ner.hf``).

Where the model lives: ``$WELFARE_NLP_NER`` if set, else the shipped ``models/ner`` (``welfare_nlp.settings``).
"""
from __future__ import annotations

import json
import os
import threading
from functools import lru_cache
from pathlib import Path

from welfare_nlp._spacy import spacy  # spaCy without torch (welfare_nlp._spacy), first
from spacy.attrs import IDX, LENGTH, SPACY
from spacy.tokens import Doc

from welfare_nlp.errors import ModelNotFound, UnsafeModel
from welfare_nlp.ner.hf import HFTokenClassifier
from welfare_nlp.ner.pieces import MAX_PARAGRAPH, pieces as text_pieces
from welfare_nlp.ner.tagger import token_offsets
from welfare_nlp.text.context import DocContext, Entity
from welfare_nlp.settings import model_dir, model_location

NAME = "ner"
DEFAULT_MODEL = model_dir("ner")  # installed (welfare_nlp/models/ner), else the checkout's models/ner
_LOCK = threading.Lock()
MAX_BATCH_TOKENS = 8_000


def model_path(name: str | os.PathLike | None = None) -> Path:
    return model_location("ner", name)


def available(path: str | os.PathLike | None = None) -> bool:
    p = model_path(path)
    return (p / "config.cfg").exists() and (p / "meta.json").exists()


class SpacyNER:
    """A spaCy NER model directory, loaded once (config and binary weights only, never pickle)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        if not available(self.path):
            raise ModelNotFound(str(self.path))
        refuse_pickles(self.path)
        # ``welfare_tagger`` (the shipped model's component) is registered by the pipeline's factories, or
        # found by spaCy through the package's ``spacy_factories`` entry point
        self.nlp = spacy.load(self.path)
        meta = json.loads((self.path / "meta.json").read_text(encoding="utf-8"))
        per_type = (meta.get("performance") or {}).get("ents_per_type") or {}
        # a span's score is its label's precision on the development set
        self.scores = {label: round(v.get("p", 0.8), 4) for label, v in per_type.items()}
        self.source = "model:ner"
        # the shipped model's BiLSTM-CRF tagger (welfare_nlp.ner.tagger), called directly on a batch
        self.tagger = self.nlp.get_pipe("welfare_tagger") if "welfare_tagger" in self.nlp.pipe_names else None

    def __call__(self, text: str) -> list[Entity]:
        return self.many([text])[0]

    def many(self, texts: list[str], batch_size: int = 64, token_docs: list | None = None,
             token_words: list | None = None) -> list[list[Entity]]:
        """The entities of several texts, run through the model together (faster than one by one:
        the network and the transition decoder work on several documents at each step).
        ``token_docs``: for each text, a Doc of it already tokenised (see ``body_doc``) or None;
        ``token_words``: for each text, its tokens as (texts, start characters) (see ``body_tokens``) or
        None (the BiLSTM-CRF tagger reads token texts only: no Doc needs to be made for it)."""
        if self.tagger is not None:
            return self._many_words(texts, token_docs, token_words)
        pieces: list[tuple[int, int, object]] = []   # (text, offset, Doc)
        for k, text in enumerate(texts):
            given = token_docs[k] if token_docs else None
            if given is not None:
                pieces.append((k, 0, given))
            else:
                pieces.extend((k, offset, self.nlp.make_doc(p)) for offset, p in text_pieces(text))
        out: list[list[Entity]] = [[] for _ in texts]
        for (k, offset, doc), spans in zip(pieces, self._spans([d for _, _, d in pieces], batch_size)):
            for s, e, label in spans:
                start, last = doc[s], doc[e - 1]
                out[k].append(Entity(label, offset + start.idx, offset + last.idx + len(last), self.source,
                                     self.scores.get(label, 0.8)))
        return out

    def _many_words(self, texts: list[str], token_docs: list | None, token_words: list | None) -> list[list[Entity]]:
        """``many`` for the tagger: the same pieces and tokens, given to it as token texts."""
        pieces: list[tuple[int, int, list[str], list[int]]] = []   # (text, offset, token texts, starts)
        for k, text in enumerate(texts):
            given = token_words[k] if token_words else None
            if given is None and token_docs and token_docs[k] is not None:
                given = token_offsets(token_docs[k])
            if given is not None:
                pieces.append((k, 0, *given))
            else:
                pieces.extend((k, offset, *token_offsets(self.nlp.make_doc(p))) for offset, p in text_pieces(text))
        out: list[list[Entity]] = [[] for _ in texts]
        found = self.tagger.word_spans([words for _, _, words, _ in pieces])
        for (k, offset, words, starts), spans in zip(pieces, found):
            for s, e, label in spans:
                out[k].append(Entity(label, offset + starts[s], offset + starts[e - 1] + len(words[e - 1]), self.source,
                                     self.scores.get(label, 0.8)))
        return out

    def body_doc(self, doc, body_end: int):
        """A Doc for the model made from the pipeline Doc's own tokens up to ``body_end`` (the same
        tokenizer rules made them: no second tokenisation); None where that is not exact."""
        if doc.vocab is not self.nlp.vocab or body_end > MAX_PARAGRAPH:
            return None
        words: list[str] = []
        spaces: list[bool] = []
        for tok in doc:
            if tok.idx >= body_end:
                break
            end = tok.idx + len(tok)
            if end > body_end:
                return None
            words.append(tok.text)
            spaces.append(bool(tok.whitespace_) and end < body_end)
        made = Doc(self.nlp.vocab, words=words, spaces=spaces)
        return made if made.text == doc.text[:body_end] else None

    def body_tokens(self, doc, body_end: int, text: str | None = None) -> tuple[list[str], list[int]] | None:
        """``body_doc`` as the tagger needs it: the texts and start characters of the pipeline Doc's
        tokens up to ``body_end``, read from the Doc's arrays (no Doc made); None where ``body_doc`` is.
        ``text``: the Doc's text (``doc.text`` otherwise, which spaCy builds token by token)."""
        if doc.vocab is not self.nlp.vocab or body_end > MAX_PARAGRAPH:
            return None
        if text is not None and len(doc):   # the text given is the Doc's: its last token ends it
            i, n, space = doc[-1:].to_array([IDX, LENGTH, SPACY])[0].tolist()
            if i + n + space != len(text):
                text = None
        words, starts = token_offsets(doc, body_end, text)
        if words and starts[-1] + len(words[-1]) > body_end:
            return None
        return words, starts

    def _spans(self, docs: list, batch_size: int = 64, scheme: str | None = None) -> list[list[tuple[int, int, str]]]:
        """(start, end, label) token spans of each Doc, decoded in batches of similar length."""
        if self.tagger is not None:   # it groups sentences (not documents) of similar length itself
            return self.tagger.doc_spans(docs, scheme)
        spans: list = [None] * len(docs)
        for group in _groups(docs, batch_size, MAX_BATCH_TOKENS):
            batch = [docs[k] for k in group]
            found = [[(e.start, e.end, e.label_) for e in d.ents] for d in self.nlp.pipe(batch, batch_size=len(batch))]
            for k, s in zip(group, found):
                spans[k] = s
        return spans

    @property
    def schemes(self) -> dict[str, list[str]] | None:
        """The annotation schemes the model predicts in (name -> labels; the first is the one the
        pipeline uses), for a model trained with one head per scheme; None otherwise."""
        return self.tagger.tagger.schemes if self.tagger is not None else None

    def predict_tokens(self, words: list[str], scheme: str | None = None) -> list[tuple[int, int, str]]:
        """Entity spans (token start, token end, label) over given tokens (for evaluation on CoNLL)."""
        return self.predict_batch([words], scheme)[0]

    def predict_batch(self, sentences: list[list[str]], scheme: str | None = None) -> list[list[tuple[int, int, str]]]:
        docs = [Doc(self.nlp.vocab, words=words) for words in sentences]
        return self._spans(docs, scheme=scheme)


PICKLE_SUFFIXES = {".pkl", ".pickle", ".pt", ".pth", ".ckpt", ".joblib", ".dill"}


def _is_pickle(f: Path) -> bool:
    """A pickle-named file, or one shaped like a pickle (protocol 2-5 header, STOP at the end)."""
    if f.suffix.lower() in PICKLE_SUFFIXES:
        return True
    try:
        with open(f, "rb") as fh:
            head = fh.read(2)
            if len(head) < 2 or head[0] != 0x80 or not 2 <= head[1] <= 5:
                return False
            fh.seek(-1, os.SEEK_END)
            return fh.read(1) == b"."
    except OSError:
        return False


def refuse_pickles(path: Path) -> None:
    """A model directory holding pickle files is refused before anything is read from it: spaCy's
    format is config, JSON and msgpack files (``lookups.bin`` is msgpack), and unpickling can run code."""
    found = sorted(str(f.relative_to(path)) for f in path.rglob("*") if f.is_file() and _is_pickle(f))
    if found:
        raise UnsafeModel(f"{path} holds {', '.join(found[:3])}")


def _groups(docs: list, batch_size: int, max_tokens: int) -> list[list[int]]:
    """Indices of ``docs`` in model batches: similar lengths together (the decoder takes as many steps
    as the longest document of its batch) and at most ``max_tokens`` tokens in each (the network's
    arrays for a batch grow with its tokens: this bounds the memory a batch takes)."""
    groups: list[list[int]] = []
    current: list[int] = []
    size = 0
    for k in sorted(range(len(docs)), key=lambda k: len(docs[k])):
        n = len(docs[k])
        if current and (len(current) >= batch_size or size + n > max_tokens):
            groups.append(current)
            current, size = [], 0
        current.append(k)
        size += n
    if current:
        groups.append(current)
    return groups


@lru_cache(maxsize=4)
def get_model(path: str | None = None):
    """The NER model at ``path`` (or the shipped one), loaded once per process."""
    p = model_path(path)
    with _LOCK:
        if (p / "config.json").exists() and not (p / "config.cfg").exists():  # a Hugging Face directory
            return HFTokenClassifier(p)
        return SpacyNER(p)


class NERStage:
    """The stage: adds the model's entities to ``ctx.entities``; ``many`` does it for several
    documents in one model call (used by ``nlp.pipe`` and by batch extraction)."""

    __name__ = "ner"

    def __init__(self, path: str | None = None):
        self.path = path

    def __call__(self, ctx: DocContext) -> DocContext:
        return self.many([ctx])[0]

    takes_docs = True  # given the pipeline's Docs, a spaCy model reuses their tokens

    def many(self, ctxs: list[DocContext], docs: list | None = None) -> list[DocContext]:
        model = get_model(self.path)
        texts = [c.body for c in ctxs]
        if isinstance(model, SpacyNER) and model.tagger is not None:
            token_words = ([model.body_tokens(d, len(t), c.text) for d, t, c in zip(docs, texts, ctxs)]
                           if docs else None)
            found = model.many(texts, token_words=token_words)
        elif isinstance(model, SpacyNER):
            token_docs = [model.body_doc(d, len(t)) for d, t in zip(docs, texts)] if docs else None
            found = model.many(texts, token_docs=token_docs)
        else:
            found = model.many(texts) if hasattr(model, "many") else [model(t) for t in texts]
        for ctx, ents in zip(ctxs, found):
            ctx.entities.extend(ents)
        return ctxs


def make_stage(path: str | None = None) -> NERStage:
    """A stage that adds the model's entities to ``ctx.entities``."""
    return NERStage(path)

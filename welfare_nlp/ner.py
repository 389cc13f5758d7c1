"""The statistical NER stage: PER, ORG, LOC (and PEYMA's DAT, TIM, MON, PCT) spans from the model
that ships in ``models/ner`` (a spaCy pipeline whose ``welfare_tagger`` component is the BiLSTM-CRF tagger
of ``welfare_nlp.tagger``, trained by ``welfare-nlp train-ner``). Any spaCy NER pipeline directory works too
(``models/ner_cnn``, the previous model, goes through the vectorised decoder of ``welfare_nlp.ner_decode``).

The spans go to ``ctx.entities`` with ``source="model:ner"``; later stages use them: PER spans give
officials the names the given-name list lacks, ORG spans organisations, LOC spans accept ambiguous
province names that have no cue.
A Hugging Face token-classification model can be used instead (``welfare_nlp.ner_hf``).

Where the model lives: ``$WELFARE_NLP_NER`` if set, else the shipped ``models/ner`` (``welfare_nlp.shipped``).
"""
from __future__ import annotations

import json
import os
import threading
from functools import lru_cache
from pathlib import Path

from .context import DocContext, Entity
from .shipped import model_dir

NAME = "ner"
DEFAULT_MODEL = model_dir("ner")  # installed (welfare_nlp/models/ner), else the checkout's models/ner
_LOCK = threading.Lock()
MAX_PARAGRAPH = 20_000   # a longer text is cut at line breaks or spaces ...
LONG_PIECE = 4_000       # ... into pieces of at most this many characters
MAX_BATCH_TOKENS = 8_000


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

    def __init__(self, path: str | os.PathLike, fast: bool = True):
        from ._spacy import import_spacy

        spacy = import_spacy()

        self.path = Path(path)
        if not available(self.path):
            from .errors import ModelNotFound

            raise ModelNotFound(str(self.path))
        refuse_pickles(self.path)
        from .factories import register_tagger

        register_tagger()
        self.nlp = spacy.load(self.path)
        _plain_numpy(self.nlp)
        _cache_subword_vectors(self.nlp)
        meta = json.loads((self.path / "meta.json").read_text(encoding="utf-8"))
        per_type = (meta.get("performance") or {}).get("ents_per_type") or {}
        # a span's score is its label's precision on the development set
        self.scores = {label: round(v.get("p", 0.8), 4) for label, v in per_type.items()}
        self.source = "model:ner"
        # the vectorised greedy decoder (same decisions as spaCy's, several documents per step)
        from .ner_decode import GreedyNER

        self.decoder = GreedyNER(self.nlp) if fast and GreedyNER.supported(self.nlp) else None
        # the shipped model's BiLSTM-CRF tagger (welfare_nlp.tagger), called directly on a batch
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
                pieces.extend((k, offset, self.nlp.make_doc(p)) for offset, p in _paragraphs(text))
        out: list[list[Entity]] = [[] for _ in texts]
        for (k, offset, doc), spans in zip(pieces, self._spans([d for _, _, d in pieces], batch_size)):
            for s, e, label in spans:
                start, last = doc[s], doc[e - 1]
                out[k].append(Entity(label, offset + start.idx, offset + last.idx + len(last), self.source,
                                     self.scores.get(label, 0.8)))
        return out

    def _many_words(self, texts: list[str], token_docs: list | None, token_words: list | None) -> list[list[Entity]]:
        """``many`` for the tagger: the same pieces and tokens, given to it as token texts."""
        from .tagger import token_offsets

        pieces: list[tuple[int, int, list[str], list[int]]] = []   # (text, offset, token texts, starts)
        for k, text in enumerate(texts):
            given = token_words[k] if token_words else None
            if given is None and token_docs and token_docs[k] is not None:
                given = token_offsets(token_docs[k])
            if given is not None:
                pieces.append((k, 0, *given))
            else:
                pieces.extend((k, offset, *token_offsets(self.nlp.make_doc(p))) for offset, p in _paragraphs(text))
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
        from spacy.tokens import Doc

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
        from spacy.attrs import IDX, LENGTH, SPACY

        from .tagger import token_offsets

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
            if self.decoder is not None:
                found = self.decoder(batch)
            else:
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
        from spacy.tokens import Doc

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
    from .errors import UnsafeModel

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


def _plain_numpy(nlp) -> None:
    """Run the model's layers on numpy's matrix product instead of thinc's default blis kernels: on
    the small matrices of this model it halves the encoder's time (``benchmarks/ner_speed.py``);
    the outputs agree to about 1e-5, which leaves the entities unchanged (checked by a test)."""
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops


class _VectorCache:
    """The floret vectors of the words seen so far, at most ``max_keys`` of them (news vocabulary is
    heavily repeated: computing a floret vector hashes every character n-gram of the word, a
    cached one is a row copy). The rows are the very vectors spaCy computes, so the model's output
    does not change."""

    def __init__(self, vectors, max_keys: int = 20_000):
        import numpy as np

        self.vectors, self.max_keys = vectors, max_keys
        self.index: dict[int, int] = {}
        self.rows = np.zeros((max_keys, vectors.shape[1]), dtype="float32")

    def get_batch(self, keys):
        import numpy as np

        uniq, inverse = np.unique(keys, return_inverse=True)
        found = np.fromiter((self.index.get(k, -1) for k in uniq.tolist()), dtype=np.int64, count=len(uniq))
        out = np.empty((len(uniq), self.rows.shape[1]), dtype="float32")
        hit = found >= 0
        out[hit] = self.rows[found[hit]]
        if not hit.all():
            miss = np.flatnonzero(~hit)
            vecs = np.asarray(self.vectors.get_batch(uniq[miss]), dtype="float32")
            out[miss] = vecs
            room = min(len(miss), self.max_keys - len(self.index))
            if room > 0:
                at = len(self.index)
                self.rows[at:at + room] = vecs[:room]
                self.index.update(zip(uniq[miss[:room]].tolist(), range(at, at + room)))
        return out[inverse.reshape(-1)]


def _cache_subword_vectors(nlp, max_keys: int = 20_000) -> None:
    """Give the model's static-vectors layer a cache of floret vectors (prediction only)."""
    from spacy.vectors import Mode

    vectors = nlp.vocab.vectors
    if getattr(vectors, "mode", None) != Mode.floret or not vectors.shape[0]:
        return
    cache = _VectorCache(vectors, max_keys)
    for _, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        for node in (model.walk() if model is not None and hasattr(model, "walk") else ()):
            if node.name == "static_vectors":
                node._func = _cached_forward(node._func, cache)


def _cached_forward(original, cache: _VectorCache):
    def forward(model, docs, is_train):
        if is_train or not sum(len(doc) for doc in docs):
            return original(model, docs, is_train)
        from spacy.attrs import ORTH
        from thinc.types import Ragged

        vocab = docs[0].vocab
        keys = model.ops.flatten([doc.to_array(getattr(vocab.vectors, "attr", ORTH)) for doc in docs])
        W = model.ops.as_contig(model.get_param("W"))
        data = model.ops.gemm(model.ops.as_contig(cache.get_batch(keys)), W, trans2=True)
        return Ragged(data, model.ops.asarray1i([len(doc) for doc in docs])), lambda d_output: []

    return forward


def _paragraphs(text: str):
    """(offset, piece) pieces of the text for the model. A document of at most MAX_PARAGRAPH characters
    (nearly all of them) is one piece; a longer one is cut at line breaks where possible (at spaces
    inside a longer line) into pieces of at most LONG_PIECE characters, which the decoder then takes
    side by side instead of one token after another."""
    start, n = 0, len(text)
    size = MAX_PARAGRAPH if n <= MAX_PARAGRAPH else LONG_PIECE
    while start < n:
        end = min(n, start + size)
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
        if (p / "config.json").exists() and not (p / "config.cfg").exists():  # a Hugging Face directory
            from .ner_hf import HFTokenClassifier

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

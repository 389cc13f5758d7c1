"""Loading the pipeline and extracting records: one document, a Doc, or many in batches."""
from __future__ import annotations

import datetime as _dt
import threading
from typing import Any, Iterable, Iterator

from welfare_nlp._spacy import spacy  # spaCy without torch, which no stage needs: start-up time and memory

from welfare_nlp.errors import (ModelNotFound, TopicModelNotFound, DocumentTooLarge, EmptyDocument, ExtractionFailed, NotText, NotUnicode,
                     WelfareNLPError)
from welfare_nlp.pipeline.build import RECORDS_ONLY
from welfare_nlp.pipeline.factories import STAGES, register_spacy
from welfare_nlp.extractors import topic as _topic
from welfare_nlp.extractors.dates import parse_publication_date
from welfare_nlp.ner import component as _ner
from welfare_nlp.record import Record
from welfare_nlp.settings import MAX_CHARS
from welfare_nlp.text.tokenizer import NormalizingTokenizer

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
    register_spacy()
    model = None
    # a shipped model asked for and missing is an error (E008, E017), not a quieter pipeline
    require_models(ner=ner == "default" and "ner" in (stages or list(STAGES)), topic="topic" in (stages or list(STAGES)))
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
    nlp.add_pipe("welfare_entities_setter", name="welfare_entities")
    return nlp


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
    if published is None or (isinstance(published, str) and not published.strip()):
        return None
    date = parse_publication_date(published)
    if date is None and warnings is not None:
        shown = repr(published) if len(repr(published)) <= 80 else repr(published)[:77] + "..."
        warnings.append(f"W006: the publication date {shown} could not be read as a Gregorian or Jalali "
                        "date; published is null and year-less dates are not anchored")
    return date




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
    document at a time, so only the document at fault gets an error. The Docs are made for their
    records only and dropped, so the stages set no span groups, ``doc.ents`` or ``doc.cats`` on them
    (``extract_doc`` gives a Doc with all of these)."""
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
            doc = _make_doc(nlp, text, id_, published, max_chars)
            doc.user_data[RECORDS_ONLY] = True
            ready.append((k, doc))
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


def require_models(*, ner: bool = True, topic: bool = True) -> None:
    """Raise the coded error for a shipped model that is asked for and missing (NER: E008, topic: E017)."""
    # the NER model may be a spaCy directory or (through WELFARE_NLP_NER) a Hugging Face one
    if ner and not (_ner.available() or (_ner.model_path() / "config.json").exists()):
        raise ModelNotFound(f"{_ner.model_path()} (the install lacks the shipped model: reinstall welfare_nlp from "
                            "a wheel or sdist that carries models/, or set WELFARE_NLP_NER to a model directory)")
    if topic and not _topic.available():
        raise TopicModelNotFound(str(_topic.model_path()))

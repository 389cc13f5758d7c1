"""welfare_nlp: Persian welfare and employment press releases to structured, traceable records.

    >>> import welfare_nlp
    >>> record = welfare_nlp.extract(text, id="doc-1", published="2019-01-02")
    >>> nlp = welfare_nlp.load(); doc = nlp(text); doc._.record
    >>> frames = welfare_nlp.read_records("out.jsonl"); frames.officials      # pandas (extra: research)
    >>> welfare_nlp.render(text)                                              # displaCy, right to left

``import welfare_nlp`` is light: spaCy, pydantic, the lexicons, pandas and matplotlib load on first use.
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__", "load", "extract", "extract_doc", "json_schema", "read_records", "to_frames", "render",
           "read_text"]
# The normaliser is the submodule ``welfare_nlp.text.normalize`` (``welfare_nlp.text.normalize.normalize(text)``): a
# function of the same name here would be replaced by the submodule as soon as anything imports it.


def load(**kwargs):
    """The spaCy ``Language`` with every welfare_nlp stage (see ``welfare_nlp.pipeline.load``)."""
    from welfare_nlp.pipeline import load as _load

    return _load(**kwargs)


_DEFAULT = object()  # max_chars not given: the pipeline's limit (welfare_nlp.pipeline.MAX_CHARS)


def extract(text, *, id=None, published=None, nlp=None, max_chars=_DEFAULT):
    """The record (a ``welfare_nlp.record.Record``) for one document (see ``welfare_nlp.pipeline.extract``):
    ``nlp`` a pipeline from ``load()`` (default: the shipped one, loaded once), ``max_chars`` the longest
    text accepted (500,000 characters; ``None``: no limit; longer text raises E003)."""
    from welfare_nlp.pipeline import extract as _extract

    return _extract(text, id=id, published=published, nlp=nlp, **_limit(max_chars))


def extract_doc(text, *, id=None, published=None, nlp=None, max_chars=_DEFAULT):
    """The spaCy ``Doc`` for one document, with ``doc._.record`` (arguments as ``extract``)."""
    from welfare_nlp.pipeline import extract_doc as _extract_doc

    return _extract_doc(text, id=id, published=published, nlp=nlp, **_limit(max_chars))


def _limit(max_chars) -> dict:
    return {} if max_chars is _DEFAULT else {"max_chars": max_chars}


def read_text(path):
    """The text that offsets into the file ``path`` index: its decoded characters with newlines untranslated
    (``\r\n`` counts two), or an HTML page's main text (see ``welfare_nlp.batch.readers.read_text``)."""
    from welfare_nlp.batch.readers import read_text as _read_text

    return _read_text(path)


def json_schema():
    from welfare_nlp.record import json_schema as _schema

    return _schema()


def read_records(path):
    """pandas DataFrames (documents, officials, amounts, ...) of a JSON Lines file written by
    ``welfare-nlp extract`` (see ``welfare_nlp.research.frames``)."""
    from welfare_nlp.research.frames import read_records as _read

    return _read(path)


def to_frames(records):
    """pandas DataFrames of records (``Record`` objects, dicts or JSON strings; see ``welfare_nlp.research.frames``)."""
    from welfare_nlp.research.frames import to_frames as _to_frames

    return _to_frames(records)


def render(doc_or_text, *, text=None, id=None, page=False, labels=None):
    """displaCy HTML, right to left, with the extracted items coloured; ``id`` the heading (see
    ``welfare_nlp.research.rendering``)."""
    from welfare_nlp.research.rendering import render as _render

    return _render(doc_or_text, text=text, id=id, page=page, labels=labels)

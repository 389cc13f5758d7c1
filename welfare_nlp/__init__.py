"""welfare_nlp: Persian welfare and employment press releases to structured, traceable records.

    >>> import welfare_nlp
    >>> record = welfare_nlp.extract(text, id="doc-1", published="2019-01-02")
    >>> nlp = welfare_nlp.load(); doc = nlp(text); doc._.record
    >>> frames = welfare_nlp.read_records("out.jsonl"); frames.officials      # pandas (extra: research)
    >>> welfare_nlp.render(text)                                              # displaCy, right to left

``import welfare_nlp`` is light: spaCy, pydantic, the lexicons, pandas and matplotlib load on first use.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from welfare_nlp.about import __version__

if TYPE_CHECKING:  # what the names below are, for type checkers and editors
    from welfare_nlp.batch.readers import read_text
    from welfare_nlp.pipeline import extract, extract_doc, extract_many, load
    from welfare_nlp.record import json_schema
    from welfare_nlp.research.frames import read_records, to_frames
    from welfare_nlp.research.rendering import render

__all__ = ["__version__", "load", "extract", "extract_doc", "extract_many", "json_schema", "read_records", "to_frames", "render",
           "read_text"]
# The normaliser is the submodule ``welfare_nlp.text.normalize`` (``welfare_nlp.text.normalize.normalize(text)``): a
# function of the same name here would be replaced by the submodule as soon as anything imports it.

# The API, by the module that defines it. ``welfare_nlp.extract`` is ``welfare_nlp.pipeline.extract`` and so on
# (``load``: a spaCy ``Language`` with every stage; ``extract``/``extract_doc``: the record or the ``Doc`` of one
# text, at most 500,000 characters unless ``max_chars`` says otherwise; ``read_text``: the text that offsets into
# a file index; ``json_schema``: the record's; ``read_records``/``to_frames``: pandas tables (extra: research);
# ``render``: displaCy HTML, right to left).
_API = {"load": "welfare_nlp.pipeline", "extract": "welfare_nlp.pipeline", "extract_doc": "welfare_nlp.pipeline",
        "extract_many": "welfare_nlp.pipeline",
        "json_schema": "welfare_nlp.record", "read_text": "welfare_nlp.batch.readers",
        "read_records": "welfare_nlp.research.frames", "to_frames": "welfare_nlp.research.frames",
        "render": "welfare_nlp.research.rendering"}


def __getattr__(name: str):
    """An API name, from its module on first use (PEP 562)."""
    if name not in _API:
        raise AttributeError(f"module 'welfare_nlp' has no attribute {name!r}")
    # imported here, not at the top: ``import welfare_nlp`` stays light (no spaCy, pydantic, numpy; README)
    value = getattr(importlib.import_module(_API[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))

"""Settings in one place: the limits on input and where the shipped models are.

Limits (see docs/limits.md): ``MAX_CHARS``, the longest document accepted (characters: 12 times the
longest article of the news corpus; memory and time grow with the length, so longer input is refused,
E003); ``MAX_BYTES``, the largest input file or archive member read (bytes, E003); ``MAX_EXPANSION``, the
largest ratio of decompressed to compressed size of a ``.gz`` input (E015).

Models:

The models live at the top of the repository (``models/ner``, ``models/topic``). A wheel or sdist
carries them inside the package (``welfare_nlp/models/ner``, ``welfare_nlp/models/topic``, mapped
there by ``pyproject.toml``); an editable install or a checkout finds them at the top level. The
environment variables ``WELFARE_NLP_NER`` and ``WELFARE_NLP_TOPIC`` point elsewhere.

A model the pipeline was asked for (the default pipeline asks for both) that is not there is an
error (E008 for NER, E017 for topics), never a silent degradation: a cluster whose workers lack the
models would otherwise give other results than a laptop. ``load(ner=None)`` runs without NER.
"""
from __future__ import annotations

import os
from pathlib import Path

MAX_CHARS = 500_000
MAX_BYTES = 64 * 1024 * 1024
MAX_EXPANSION = 200

PACKAGE = Path(__file__).resolve().parent
INSTALLED = PACKAGE / "models"  # a wheel or sdist install
CHECKOUT = PACKAGE.parent / "models"  # a checkout or an editable install
SHIPPED = ("ner", "topic")  # what the distribution carries (not models/ner_cnn, the previous NER model)


def model_dir(name: str) -> Path:
    """The directory of the shipped model ``name`` (``"ner"`` or ``"topic"``): the installed copy if
    there is one, else the checkout's ``models/<name>`` (which may not exist: see ``welfare_nlp.pipeline.require_models``)."""
    installed = INSTALLED / name
    return installed if installed.is_dir() else CHECKOUT / name


def model_location(name: str, path: str | os.PathLike | None = None) -> Path:
    """Where the model ``name`` (``"ner"`` or ``"topic"``) is read from: ``path`` if given (not ``"default"``),
    else ``$WELFARE_NLP_<NAME>`` if set, else the shipped one (:func:`model_dir`)."""
    if path not in (None, "default"):
        return Path(path)
    env = os.environ.get(f"WELFARE_NLP_{name.upper()}")
    return Path(env) if env else model_dir(name)

"""Where the shipped models are, and the check that they are there.

The models live at the top of the repository (``models/ner``, ``models/topic``). A wheel or sdist
carries them inside the package (``welfare_nlp/models/ner``, ``welfare_nlp/models/topic``, mapped
there by ``pyproject.toml``); an editable install or a checkout finds them at the top level. The
environment variables ``WELFARE_NLP_NER`` and ``WELFARE_NLP_TOPIC`` point elsewhere.

A model the pipeline was asked for (the default pipeline asks for both) that is not there is an
error (E008 for NER, E017 for topics), never a silent degradation: a cluster whose workers lack the
models would otherwise give other results than a laptop. ``load(ner=None)`` runs without NER.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
INSTALLED = PACKAGE / "models"  # a wheel or sdist install
CHECKOUT = PACKAGE.parent / "models"  # a checkout or an editable install
SHIPPED = ("ner", "topic")  # what the distribution carries (not models/ner_cnn, the previous NER model)


def model_dir(name: str) -> Path:
    """The directory of the shipped model ``name`` (``"ner"`` or ``"topic"``): the installed copy if
    there is one, else the checkout's ``models/<name>`` (which may not exist: see :func:`require`)."""
    installed = INSTALLED / name
    return installed if installed.is_dir() else CHECKOUT / name


def require(*, ner: bool = True, topic: bool = True) -> None:
    """Raise the coded error for a shipped model that is asked for and missing (NER: E008, topic: E017)."""
    from . import ner as _ner
    from . import topic as _topic
    from .errors import ModelNotFound, TopicModelNotFound

    # the NER model may be a spaCy directory or (through WELFARE_NLP_NER) a Hugging Face one
    if ner and not (_ner.available() or (_ner.model_path() / "config.json").exists()):
        raise ModelNotFound(f"{_ner.model_path()} (the install lacks the shipped model: reinstall welfare_nlp from "
                            "a wheel or sdist that carries models/, or set WELFARE_NLP_NER to a model directory)")
    if topic and not _topic.available():
        raise TopicModelNotFound(str(_topic.model_path()))

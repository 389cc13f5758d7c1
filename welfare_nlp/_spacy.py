"""spaCy, imported without torch.

Importing spaCy imports thinc, and thinc imports torch whenever torch is installed (``thinc.compat``),
although no welfare_nlp stage runs on torch at prediction time (the NER tagger is numpy, the HF backend
imports torch itself). That import alone costs about 1.3 CPU seconds and 180 MB of memory in every
process, worker included. So the first import of spaCy made by welfare_nlp hides torch from thinc:
thinc then works as on a machine without torch (``thinc.compat.has_torch`` is False), and ``import torch``
afterwards works as usual. Nothing changes when spaCy, thinc or torch was imported before, or when the
environment sets ``WELFARE_NLP_THINC_TORCH=1`` (for thinc's PyTorch wrappers, spacy-transformers, in the
same process).

The same first import leaves out spaCy's command line (``spacy.cli``: typer, weasel, requests and every
command, about 0.2 CPU seconds per process; ``spacy/__init__`` imports it only for ``spacy.info``): it
stands in as a module that imports the real one on first use, so ``spacy.cli.download(...)``,
``spacy.info()`` and ``import spacy.cli`` work as always. ``WELFARE_NLP_THINC_TORCH=1`` turns this off too.

Import ``spacy`` from here, before any ``from spacy... import ...`` of the module, so that this module is
the first to import it::

    from welfare_nlp._spacy import spacy  # spaCy without torch (first import through welfare_nlp._spacy)
    from spacy.tokens import Doc
"""
from __future__ import annotations

import importlib
import os
import sys
import types


def _hide_torch() -> bool:
    """Whether this first import of spaCy should keep thinc from importing torch (see the module doc)."""
    return ("spacy" not in sys.modules and "thinc" not in sys.modules and "torch" not in sys.modules
            and os.environ.get("WELFARE_NLP_THINC_TORCH", "").strip() in ("", "0"))


class _LaterCli(types.ModuleType):
    """``spacy.cli`` until first used: then the real module, imported, and every attribute read from it."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(_real_cli(), name)


def _real_cli():
    for name in ("spacy.cli.info", "spacy.cli"):
        if isinstance(sys.modules.get(name), _LaterCli):
            del sys.modules[name]
    return importlib.import_module("spacy.cli")   # sets ``spacy.cli`` to the real module


def _info(*args, **kwargs):
    """``spacy.info``, spaCy's own once called (the real ``spacy.cli`` imported then)."""
    return _real_cli().info(*args, **kwargs)


if _hide_torch():
    sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` raises ImportError in thinc.compat
    _later = {"spacy.cli": _LaterCli("spacy.cli"), "spacy.cli.info": _LaterCli("spacy.cli.info")}
    _later["spacy.cli"].__path__ = []    # a package, as the real one, for ``from .cli.info import info``
    _later["spacy.cli.info"].info = _info
    _later["spacy.cli"].info = _later["spacy.cli.info"]
    sys.modules.update(_later)
    try:
        import spacy
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]
        for _name, _module in _later.items():    # ``import spacy.cli`` from now on imports the real one
            if sys.modules.get(_name) is _module:
                del sys.modules[_name]
    if "spacy.cli" not in sys.modules and not hasattr(spacy, "cli"):
        spacy.cli = _later["spacy.cli"]          # ``spacy.cli.x`` read before any ``import spacy.cli``
else:
    import spacy

__all__ = ["spacy"]

"""spaCy, imported without torch.

Importing spaCy imports thinc, and thinc imports torch whenever torch is installed (``thinc.compat``),
although no welfare_nlp stage runs on torch at prediction time (the NER tagger is numpy, the HF backend
imports torch itself). That import alone costs about 1.3 CPU seconds and 180 MB of memory in every
process, worker included. So the first import of spaCy made by welfare_nlp hides torch from thinc:
thinc then works as on a machine without torch (``thinc.compat.has_torch`` is False), and ``import torch``
afterwards works as usual. Nothing changes when spaCy, thinc or torch was imported before, or when the
environment sets ``WELFARE_NLP_THINC_TORCH=1`` (for thinc's PyTorch wrappers, spacy-transformers, in the
same process).

Import ``spacy`` from here, before any ``from spacy... import ...`` of the module, so that this module is
the first to import it::

    from welfare_nlp._spacy import spacy  # spaCy without torch (first import through welfare_nlp._spacy)
    from spacy.tokens import Doc
"""
from __future__ import annotations

import os
import sys


def _hide_torch() -> bool:
    """Whether this first import of spaCy should keep thinc from importing torch (see the module doc)."""
    return ("spacy" not in sys.modules and "thinc" not in sys.modules and "torch" not in sys.modules
            and os.environ.get("WELFARE_NLP_THINC_TORCH", "").strip() in ("", "0"))


if _hide_torch():
    sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` raises ImportError in thinc.compat
    try:
        import spacy
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]
else:
    import spacy

__all__ = ["spacy"]

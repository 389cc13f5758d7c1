"""Imported by the batch fork server (``set_forkserver_preload``): spaCy loaded once, without torch
(``welfare_nlp._spacy``), for every worker forked from it."""
import welfare_nlp._spacy  # noqa: F401  # spaCy without torch, on import

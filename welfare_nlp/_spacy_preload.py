"""Imported by the batch fork server (``set_forkserver_preload``): spaCy loaded once, without torch
(``welfare_nlp._spacy``), for every worker forked from it."""
from welfare_nlp._spacy import import_spacy

import_spacy()

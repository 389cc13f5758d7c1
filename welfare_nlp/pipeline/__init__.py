"""The pipeline: a spaCy ``Language`` whose tokenizer normalises and whose components are the stages
(``factories``, the only registrar), and the record built from a processed document (``build``).

    >>> from welfare_nlp.pipeline import load, extract
    >>> nlp = load(); record = extract(text, nlp=nlp)
"""
from welfare_nlp.pipeline.build import build_record, entity_items, record_from_doc, set_entities
from welfare_nlp.pipeline.extraction import (MAX_CHARS, default_nlp, extract, extract_doc, extract_many, load,
                                             parse_published, require_models)
from welfare_nlp.pipeline.factories import SPAN_GROUPS, STAGES

__all__ = ["MAX_CHARS", "SPAN_GROUPS", "STAGES", "build_record", "default_nlp", "entity_items", "extract",
           "extract_doc", "extract_many", "load", "parse_published", "record_from_doc", "require_models", "set_entities"]

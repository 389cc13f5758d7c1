"""Rebuilding the shipped models: CoNLL corpora, NER and topic training, NER evaluation, model cards."""

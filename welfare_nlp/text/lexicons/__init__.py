"""Language data files (see README.md here); loaded by ``welfare_nlp.text.lexicon``."""

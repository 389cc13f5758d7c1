"""spaCy's entry point for the shipped NER model's component (``[project.entry-points.spacy_factories]``).

When ``spacy.load("models/ner")`` meets ``welfare_tagger`` without welfare_nlp imported, spaCy loads this
module by the entry point; importing it registers the factory (defined in ``welfare_nlp.factories``)."""
from .factories import make_tagger, register_tagger

register_tagger()

__all__ = ["make_tagger"]

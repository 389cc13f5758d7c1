"""Every pipeline stage, registered in one place: as plain functions on a ``DocContext``
(``STAGES``, in order) and as spaCy components (``welfare_<stage>`` factories).

A spaCy component takes the ``Doc`` made by ``welfare_nlp.text.tokenizer``, runs its stage on
``doc._.wnlp`` (the shared ``DocContext``) and adds its items as a span group
``doc.spans[<kind>]``. Doc in, Doc out.
"""
from __future__ import annotations

from typing import Callable

from welfare_nlp._spacy import spacy  # noqa: F401  # spaCy without torch (welfare_nlp._spacy), first
from spacy.language import Language
from spacy.tokens import Doc, SpanGroup
from spacy.util import minibatch

from welfare_nlp.errors import ExtractionFailed
from welfare_nlp.extractors import amounts
from welfare_nlp.extractors import attributes
from welfare_nlp.text import boilerplate
from welfare_nlp.extractors import dates
from welfare_nlp.extractors import events
from welfare_nlp.extractors import head_counts
from welfare_nlp.ner import component as ner
from welfare_nlp.ner.tagger import TaggerComponent
from welfare_nlp.extractors import officials
from welfare_nlp.extractors import percentages
from welfare_nlp.extractors import provinces
from welfare_nlp.extractors import topic
from welfare_nlp.pipeline.build import RECORDS_ONLY, record_from_doc, set_entities
from welfare_nlp.text.context import DocContext, Found


def _adding(fn: Callable[[DocContext], list[Found]]) -> Callable[[DocContext], DocContext]:
    def stage(ctx: DocContext) -> DocContext:
        ctx.add(fn(ctx))
        return ctx

    stage.__name__ = getattr(fn, "__module__", "stage")
    return stage


# name -> stage; the order is the order they run in
STAGES: dict[str, Callable[[DocContext], DocContext]] = {
    "boilerplate": boilerplate.apply,
    "ner": ner.make_stage(None),        # the shipped model; load(ner=...) picks another or none
    "provinces": _adding(provinces.extract),
    "cities": _adding(provinces.extract_cities),
    "amounts": _adding(amounts.extract),
    "head_counts": _adding(head_counts.extract),
    "percentages": _adding(percentages.extract),
    "dates": _adding(dates.extract),
    "officials": _adding(officials.extract),
    "events": _adding(events.extract),
    "attributes": attributes.apply,     # about, province, speaker and event of every amount and head count
    "topic": topic.stage,               # ctx.topic (and doc.cats) from the shipped topic model, if any
}

# which span group each item kind goes to on a spaCy Doc
SPAN_GROUPS = {
    "official": "officials", "province": "provinces", "city": "cities", "amount": "amounts",
    "head_count": "head_counts", "percentage": "percentages", "date": "dates", "event": "events",
    "quote": "quotes", "organization": "organizations", "statement": "statements",
}


class StageComponent:
    """A spaCy pipeline component that runs one welfare_nlp stage (a name in ``STAGES`` or a function)."""

    def __init__(self, name: str, stage: str | Callable[[DocContext], DocContext]):
        self.name = name
        self.stage = STAGES[stage] if isinstance(stage, str) else stage

    def __call__(self, doc):
        before = self._before(doc)
        if getattr(self.stage, "takes_docs", False):
            self.stage.many([doc._.wnlp], docs=[doc])
        else:
            self.stage(doc._.wnlp)
        return self._publish(doc, before)

    def pipe(self, docs, batch_size: int = 32):
        """Doc in, Doc out, in batches: a stage with ``many`` (the NER model) sees a whole batch at once."""
        many = getattr(self.stage, "many", None)
        if many is None:
            for doc in docs:
                yield self(doc)
            return
        for batch in minibatch(docs, size=batch_size):
            befores = [self._before(doc) for doc in batch]
            if getattr(self.stage, "takes_docs", False):
                many([doc._.wnlp for doc in batch], docs=batch)
            else:
                many([doc._.wnlp for doc in batch])
            for doc, before in zip(batch, befores):
                yield self._publish(doc, before)

    @staticmethod
    def _before(doc) -> dict[str, int]:
        ctx: DocContext = doc._.wnlp
        if ctx is None:
            raise ExtractionFailed("the Doc was not made by the welfare_nlp tokenizer; use welfare_nlp.load()")
        return {k: len(v) for k, v in ctx.found.items()}

    @staticmethod
    def _publish(doc, before: dict[str, int]):
        """The stage's new items as span groups on the Doc (and the topic as ``doc.cats``); nothing for a Doc
        made only for its record (``build.RECORDS_ONLY``)."""
        if doc.user_data.get(RECORDS_ONLY):
            return doc
        ctx: DocContext = doc._.wnlp
        for kind, items in ctx.found.items():
            new = items[before.get(kind, 0):]
            if not new:
                continue
            group = SPAN_GROUPS.get(kind, kind)
            spans = list(doc.spans[group]) if group in doc.spans else []
            for it in new:
                span = doc.char_span(it.start, it.end, label=kind, alignment_mode="expand")
                if span is not None:
                    spans.append(span)
            doc.spans[group] = SpanGroup(doc, name=group, spans=spans)
        if ctx.topic and not doc.cats:
            doc.cats = dict(ctx.topic["scores"])
        return doc


def register_spacy() -> None:
    """Register the ``welfare_<stage>`` factories and the Doc extensions (once)."""
    if Doc.has_extension("wnlp"):
        return
    Doc.set_extension("wnlp", default=None)
    Doc.set_extension("record", getter=record_from_doc)
    for stage in STAGES:
        if stage == "ner":
            continue

        def make(nlp, name, _stage=stage):
            return StageComponent(name, _stage)

        Language.factory(f"welfare_{stage}", func=make)

    def make_ner(nlp, name, model: str | None):
        return StageComponent(name, ner.make_stage(model))

    Language.factory("welfare_ner", default_config={"model": None}, func=make_ner)
    # the last component: the record's people, organisations and places as doc.ents
    Language.factory("welfare_entities_setter", func=lambda nlp, name: set_entities)
    register_tagger()


def make_tagger(nlp, name: str):
    """The ``welfare_tagger`` component of the shipped NER model (``welfare_nlp.ner.tagger``)."""
    return TaggerComponent(nlp.vocab, name)


def register_tagger() -> None:
    """Make ``welfare_tagger`` known to spaCy (also found by spaCy through the ``spacy_factories``
    entry point, which names ``make_tagger`` here, so ``spacy.load("models/ner")`` works without
    importing welfare_nlp first)."""
    if not Language.has_factory("welfare_tagger"):
        Language.factory("welfare_tagger", func=make_tagger)


# spaCy's ``spacy_factories`` entry point (pyproject.toml) imports this module to find ``welfare_tagger``
# (``spacy.load("models/ner")`` without welfare_nlp imported first): it is registered on import
register_tagger()

"""Shared fixtures, and the line between unit and integration tests.

Unit tests (the default) run an extractor on a ``DocContext`` with the rule stages only (the ``rules``
fixture): no model is loaded, so ``python3 -m pytest -q -m "not integration"`` takes seconds. A test
that loads the shipped NER or topic model (the ``nlp`` and ``extract`` fixtures do), reads ``../shared``,
runs the notebook, a Dask cluster, the wheel install or a subprocess is marked ``integration``
(``pytestmark = pytest.mark.integration`` for a whole module). ``python3 -m pytest -q`` runs both.

The line is checked: a test without the mark that asks for ``nlp``/``extract`` fails at set-up, and one
that reaches a shipped model any other way (``get_model``, ``default_nlp``) fails where it does.
"""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

MODEL_FIXTURES = {"nlp", "extract"}   # the fixtures that load the shipped models


def integration(item) -> bool:
    return item.get_closest_marker("integration") is not None


@pytest.fixture(scope="session")
def nlp():
    """The full pipeline with the shipped NER and topic models (integration tests only)."""
    import welfare_nlp

    return welfare_nlp.load()


@pytest.fixture(scope="session")
def extract(nlp):
    """Extract a record with the session's full pipeline (loaded once; integration tests only)."""
    from welfare_nlp.pipeline import extract as _extract

    def run(text, **kw):
        return _extract(text, nlp=nlp, **kw)

    return run


class Rules:
    """The rule stages of the pipeline (``STAGES`` but ``ner`` and ``topic``) on a ``DocContext``: no model.

    ``rules(text, published=...)`` is the record (as ``extract`` makes it, without model entities or
    topic); ``rules.context(text, published=..., upto=...)`` the ``DocContext`` after the stages (up to
    and including ``upto``), for calling one extractor on it.
    """

    SKIP = ("ner", "topic")

    def __init__(self):
        from welfare_nlp.pipeline.factories import STAGES

        self.stages = {name: fn for name, fn in STAGES.items() if name not in self.SKIP}

    def context(self, text: str, *, published=None, upto: str | None = None, warnings: list | None = None):
        from welfare_nlp.pipeline.extraction import parse_published
        from welfare_nlp.text.context import DocContext

        if upto is not None and upto not in self.stages:
            raise KeyError(f"{upto!r} is not a rule stage ({', '.join(self.stages)})")
        ctx = DocContext.from_raw(text, published=parse_published(published, None, warnings))
        for name, stage in self.stages.items():
            stage(ctx)
            if name == upto:
                break
        return ctx

    def __call__(self, text: str, *, published=None, id: str | None = None):
        from welfare_nlp.pipeline.build import build_record

        warnings: list[str] = []
        rec = build_record(self.context(text, published=published, warnings=warnings), id)
        if warnings:
            rec.warnings = warnings
        return rec


@pytest.fixture(scope="session")
def rules():
    """The record of a text from the rule stages on a ``DocContext``, without any model (see ``Rules``)."""
    return Rules()


@pytest.fixture(scope="session")
def rules_nlp(rules):
    """The spaCy pipeline of the rule stages (``load(ner=None, stages=...)``): no model. For what only the
    pipeline does: input checks, the Doc's span groups and entities, ``nlp.pipe``."""
    import welfare_nlp

    return welfare_nlp.load(ner=None, stages=list(rules.stages))


@pytest.fixture(scope="session")
def rules_extract(rules_nlp):
    """``extract`` through the rule stages' spaCy pipeline (``rules_nlp``): the input checks and the Doc's
    record as ``welfare_nlp.extract`` makes them, without a model."""
    from welfare_nlp.pipeline import extract as _extract

    def run(text, **kw):
        return _extract(text, nlp=rules_nlp, **kw)

    return run


def needs_shared(path: Path):
    return pytest.mark.skipif(not path.exists(), reason=f"{path} is not present")


# ---------------------------------------------------------------- no model in a unit test

_CURRENT: dict = {"unit": None}   # the node id of the unit test running now, else None


class ModelInUnitTest(BaseException):
    """Not an ``Exception``: the package's ``except Exception`` (one document's failure) must not hide it."""


def _refusing(fn, what: str):
    @functools.wraps(fn)
    def guarded(*args, **kwargs):
        if _CURRENT["unit"]:
            raise ModelInUnitTest(f"{_CURRENT['unit']} reached {what}: a unit test loads no model; use the "
                                  "`rules` fixture, or mark the test `integration`")
        return fn(*args, **kwargs)

    for name in ("cache_clear", "cache_info"):   # get_model is lru_cached; tests clear it
        if hasattr(fn, name):
            setattr(guarded, name, getattr(fn, name))
    return guarded


def _guard_models() -> None:
    """Wrap every way into the shipped models so that it raises while a unit test runs (once a session)."""
    if _CURRENT.get("guarded"):
        return
    _CURRENT["guarded"] = True
    import welfare_nlp.pipeline as pipeline
    from welfare_nlp.extractors import topic
    from welfare_nlp.ner import component
    from welfare_nlp.pipeline import extraction

    component.get_model = _refusing(component.get_model, "welfare_nlp.ner.component.get_model (the NER model)")
    topic.get_model = _refusing(topic.get_model, "welfare_nlp.extractors.topic.get_model (the topic model)")
    extraction.default_nlp = pipeline.default_nlp = _refusing(extraction.default_nlp,
                                                              "welfare_nlp.pipeline.default_nlp (the full pipeline)")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _guard_models()
    if integration(item):
        _CURRENT["unit"] = None
        return
    _CURRENT["unit"] = item.nodeid
    used = sorted(MODEL_FIXTURES & set(item.fixturenames))
    if used:
        pytest.fail(f"{item.nodeid} uses {', '.join(used)} (the shipped models) but is not marked integration: "
                    "use the `rules` fixture, or mark it `@pytest.mark.integration`", pytrace=False)


def pytest_runtest_teardown(item, nextitem):
    _CURRENT["unit"] = None


# filled by tests/pipeline/test_robustness.py, printed at the end of the run (CI shows it)
ROBUSTNESS: dict = {}


def pytest_terminal_summary(terminalreporter):
    if ROBUSTNESS.get("line"):
        terminalreporter.write_sep("-", "robustness")
        terminalreporter.write_line(ROBUSTNESS["line"])

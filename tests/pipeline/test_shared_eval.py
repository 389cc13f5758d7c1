"""The shared scorer on the shared seeds and dev set: the issue's thresholds as a regression guard.

These read ``../shared`` (present in CI) and are skipped where it is absent.
"""
import json
import runpy

import pytest

from conftest import ROOT, SHARED, needs_shared
from welfare_nlp.cli import main

pytestmark = pytest.mark.integration

SCORE = SHARED / "eval" / "score.py"


def _score(gold, pred):
    mod = runpy.run_path(str(SCORE))
    return mod["score"](mod["load"](str(gold)), mod["load"](str(pred)))["report"]


@pytest.fixture(scope="module")
def seeds_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds") / "out.jsonl"
    assert main(["extract", str(SHARED / "seeds"), "-o", str(out), "-q"]) == 0
    return _score(SHARED / "gold" / "seeds.gold.jsonl", out)


@pytest.fixture(scope="module")
def dev_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("dev") / "out.jsonl"
    assert main(["extract", str(SHARED / "dev" / "dev.jsonl"), "-o", str(out), "-q"]) == 0
    return _score(SHARED / "gold" / "dev.gold.jsonl", out)


@needs_shared(SHARED / "seeds")
def test_seeds_meet_the_bar(seeds_report):
    r = seeds_report
    assert r["micro_core"]["f1"] >= 0.90
    assert r["officials"]["f1"] >= 0.85
    assert r["officials"]["title_accuracy"] >= 0.80
    assert r["head_counts"]["fp"] == 0


@needs_shared(SHARED / "dev")
def test_dev_meets_the_bar(dev_report):
    assert dev_report["micro_core"]["f1"] >= 0.70
    assert dev_report["officials"]["f1"] >= 0.60


@needs_shared(SHARED / "eval")
def test_corpus_matches_our_annotations(tmp_path):
    out = tmp_path / "corpus.jsonl"
    assert main(["extract", str(ROOT / "corpus"), "-o", str(out), "-q"]) == 0
    report = _score(ROOT / "annotations" / "corpus.gold.jsonl", out)
    assert report["micro_core"]["f1"] >= 0.95
    assert report["documents"]["missing"] == 0


def test_annotations_cover_the_corpus():
    ids = {json.loads(l)["id"] for l in (ROOT / "annotations" / "corpus.gold.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()}
    assert ids == {p.stem for p in (ROOT / "corpus").glob("*.txt")}

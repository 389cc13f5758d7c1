"""Model cards are templates filled from their model directories: regenerating a shipped card from its
model's files gives the committed card exactly, so a card cannot silently disagree with its model."""
import json
import re
import shutil
import string

import pytest

from conftest import ROOT
from welfare_nlp.training import cards

MODELS = ROOT / "models"


@pytest.mark.parametrize("name", ["ner", "topic"])
def test_shipped_card_is_regenerated_from_its_model_directory(name):
    model = MODELS / name
    assert cards.card(model) == (model / "MODEL_CARD.md").read_text(encoding="utf-8"), (
        f"models/{name}/MODEL_CARD.md differs from its model's files: python -m welfare_nlp.training.cards models/{name}")


@pytest.mark.parametrize("name", ["ner", "topic"])
def test_templates_hold_no_numbers_of_their_own(name):
    """Every figure of a card comes from a placeholder: the template's own text has no standalone number
    (names such as F1, L2, 600K, 13xx, the decay formula and "digits folded to 0" aside)."""
    template = string.Template((cards.TEMPLATES / f"{name}.md").read_text(encoding="utf-8"))
    assert template.get_identifiers()
    body = template.safe_substitute({k: "" for k in template.get_identifiers()})
    numbers = re.findall(r"(?<![\w/.-])\d[\d,.]*(?!\w)", body)
    assert [n for n in numbers if n not in ("0", "1")] == [], numbers   # "digits folded to 0", the decay formula


def test_topic_card_follows_the_metrics(tmp_path):
    model = tmp_path / "topic"
    model.mkdir()
    for f in ("config.json", "training.json"):
        (model / f).write_text((MODELS / "topic" / f).read_text(encoding="utf-8"), encoding="utf-8")
    metrics = json.loads((MODELS / "topic" / "metrics.json").read_text(encoding="utf-8"))
    metrics["coarse"]["macro_f1"] = 0.5
    metrics["C"] = 3.0
    (model / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    text = cards.card(model)
    assert "| coarse (6 topics) | **0.500** |" in text and "C=3.0" in text


def test_ner_card_follows_the_options(tmp_path):
    """The epochs, averaging and the learning rate come from training.json, not from the template."""
    model = tmp_path / "ner"
    shutil.copytree(MODELS / "ner", model, ignore=shutil.ignore_patterns("vocab", "tokenizer"))
    training = json.loads((model / "training.json").read_text(encoding="utf-8"))
    training["options"].update(epochs=7, average_from=0)
    training["settings"]["lr"] = 0.01
    training["notes"] = {}
    (model / "training.json").write_text(json.dumps(training), encoding="utf-8")
    text = cards.card(model)
    assert "7 passes" in text and "The weights kept are those after the last epoch" in text
    assert "Adam (learning rate 0.01," in text and "Measured by `train-ner`" not in text


def test_check_command(tmp_path, capsys):
    assert cards.main(["--check", str(MODELS / "ner"), str(MODELS / "topic")]) == 0
    with pytest.raises(ValueError):
        cards.card(tmp_path)

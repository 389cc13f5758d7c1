"""The shipped NER model (models/ner) in the pipeline; skipped only if the model is absent."""
import json

import pytest

from welfare_nlp import ner

pytestmark = pytest.mark.skipif(not ner.available(), reason="models/ner is not present")


def test_model_card_and_evaluation_ship_with_the_model():
    path = ner.model_path()
    card = (path / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "welfare-nlp train-ner" in card
    ev = json.loads((path / "evaluation.json").read_text(encoding="utf-8"))
    assert set(ev["peyma_dev"]["labels"]) == {"PER", "ORG", "LOC", "DAT", "TIM", "MON", "PCT"}
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    assert size <= 50_000_000
    assert not list(path.rglob("*.pkl")) and not list(path.rglob("*.pickle"))


def test_model_finds_people_orgs_places():
    model = ner.get_model()
    text = "سعید پورعلی معاون فرهنگی جهاد دانشگاهی کشور در تهران گفت"
    ents = {(text[e.start:e.end], e.label) for e in model(text)}
    assert ("سعید پورعلی", "PER") in ents
    assert any(label == "LOC" and "تهران" in span for span, label in ents)
    for e in model(text):
        assert e.source == "model:ner" and 0 < e.score <= 1


def test_long_paragraphs_are_cut_and_offsets_kept():
    model = ner.get_model()
    unit = "سعید پورعلی در تهران گفت و "
    text = unit * (ner.MAX_PARAGRAPH // len(unit) + 50)
    ents = model(text)
    assert ents and all(0 <= e.start < e.end <= len(text) for e in ents)
    assert {text[e.start:e.end] for e in ents if e.label == "PER"} >= {"سعید پورعلی"}


def test_pipeline_uses_the_model(nlp):
    assert "welfare_ner" in nlp.pipe_names
    raw = "به گزارش ایرنا، سعید پورعلی معاون فرهنگی جهاد دانشگاهی گفت: طرح اجرا شد."
    rec = nlp(raw)._.record
    model_ents = [e for e in rec.entities if e.source == "model:ner"]
    assert model_ents and all(raw[e.start:e.end] == e.text for e in model_ents)


def test_without_the_model():
    import welfare_nlp

    nlp = welfare_nlp.load(ner=None)
    assert "welfare_ner" not in nlp.pipe_names
    assert nlp("استان کرمان")._.record.provinces[0].name == "کرمان"


def test_evaluate_ner_cli(tmp_path, capsys):
    from welfare_nlp.cli import main

    f = tmp_path / "mini.conll"
    f.write_text("سعید\tB-PER\nپورعلی\tI-PER\nدر\tO\nتهران\tB-LOC\nگفت\tO\n", encoding="utf-8")
    assert main(["evaluate-ner", str(f), "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["labels"] == ["LOC", "PER"] and rep["sentences"] == 1
    assert set(rep["per_label"]) == {"LOC", "PER"} and 0 <= rep["micro"]["f"] <= 1
    assert main(["evaluate-ner", str(f), "--labels", "PER"]) == 0
    assert "PER" in capsys.readouterr().out


def test_missing_model_is_a_clear_error(tmp_path):
    import welfare_nlp
    from welfare_nlp.errors import ModelNotFound

    with pytest.raises(ModelNotFound, match="E008|no NER model"):
        welfare_nlp.load(ner=str(tmp_path / "nowhere"))

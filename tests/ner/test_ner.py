"""The shipped NER model (models/ner) in the pipeline; skipped only if the model is absent."""
import json

import pytest

from welfare_nlp.ner import component as ner
from welfare_nlp.ner.pieces import MAX_PARAGRAPH

pytestmark = pytest.mark.skipif(not ner.available(), reason="models/ner is not present")
pytestmark = [pytestmark, pytest.mark.integration]


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
    text = unit * (MAX_PARAGRAPH // len(unit) + 50)
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


def test_shipped_model_is_the_tagger_with_one_head_per_scheme():
    model = ner.get_model()
    assert model.tagger is not None
    assert list(model.schemes) == ["peyma", "arman", "parsner"]
    assert model.schemes["peyma"] == ["PER", "ORG", "LOC", "DAT", "TIM", "MON", "PCT"]
    assert set(model.scores) == set(model.schemes["peyma"]) and all(0 < v <= 1 for v in model.scores.values())


def test_plain_spacy_load_finds_the_component():
    """``spacy.load("models/ner")`` works in a fresh interpreter without importing welfare_nlp first
    (the ``spacy_factories`` entry point of the installed package)."""
    import subprocess
    import sys

    code = ("import spacy, sys; nlp = spacy.load(sys.argv[1]); doc = nlp('سعید پورعلی در تهران گفت'); "
            "print(nlp.pipe_names, [(e.text, e.label_) for e in doc.ents])")
    out = subprocess.run([sys.executable, "-c", code, str(ner.model_path())], capture_output=True, text=True,
                         check=True).stdout
    assert "welfare_tagger" in out and "'PER'" in out


@pytest.mark.parametrize("tags, scheme", [
    (["B-PER", "I-PER", "O", "B-FAC", "O"], "arman"),      # FAC: ARMAN's labels
    (["B-PER", "I-PER", "O", "B-LOC", "O"], "peyma"),      # a tie: the default scheme
    (["B-PER", "I-PER", "O", "B-MISC", "O"], "parsner"),
])
def test_evaluate_ner_picks_the_files_scheme(tmp_path, tags, scheme):
    from welfare_nlp.training.evaluate import evaluate

    f = tmp_path / "mini.conll"
    words = ["سعید", "پورعلی", "در", "تهران", "گفت"]
    f.write_text("".join(f"{w}\t{t}\n" for w, t in zip(words, tags)), encoding="utf-8")
    assert evaluate(str(f))["scheme"] == scheme
    assert evaluate(str(f), scheme="peyma")["scheme"] == "peyma"
    with pytest.raises(Exception, match="no scheme"):
        evaluate(str(f), scheme="nope")


def test_card_scores_are_what_the_shipped_model_gets():
    """evaluation.json (and the card made from it) against a fresh evaluation on the dev files."""
    from conftest import SHARED

    from welfare_nlp.training.evaluate import evaluate

    peyma, arman = SHARED / "data" / "ner" / "peyma" / "dev.conll", SHARED / "data" / "ner" / "arman" / "dev.conll"
    if not peyma.exists() or not arman.exists():
        pytest.skip("the shared NER dev files are not present")
    ev = json.loads((ner.model_path() / "evaluation.json").read_text(encoding="utf-8"))

    def close(got, card):
        # float32 matrix products round differently with the batch's shape (BLAS kernels), so a near tie
        # can go either way with what the process ran before: today's numbers move by an entity or two
        # (ARMAN dev 443 or 444 true positives); the card's scores hold to 0.002
        assert abs(got["f"] - card["f"]) <= 0.002, (got, card)
        assert max(abs(got[k] - card[k]) for k in ("tp", "fp", "fn")) <= 3, (got, card)

    close(evaluate(str(peyma))["micro"], ev["peyma_dev"]["micro"])
    got = evaluate(str(arman), labels={"PER", "ORG", "LOC"})
    assert got["scheme"] == "arman"
    close(got["micro"], ev["arman_dev_per_org_loc"]["micro"])
    by_peyma = evaluate(str(arman), labels={"PER", "ORG", "LOC"}, scheme="peyma")
    close(by_peyma["micro"], ev["arman_dev_per_org_loc_peyma_head"]["micro"])


def test_tagger_card_is_made_from_the_model_directory(tmp_path):
    """``train-ner`` writes the tagger's card from the model's files (tests/training/test_cards.py: the shipped
    card is exactly what they give); what the card says follows them."""
    import shutil

    from welfare_nlp.training.cards import card

    model = tmp_path / "ner"
    shutil.copytree(ner.model_path(), model, ignore=shutil.ignore_patterns("vocab", "tokenizer"))
    ev = json.loads((model / "evaluation.json").read_text(encoding="utf-8"))
    text = card(model)
    assert f"**{ev['peyma_dev']['micro']['f']:.3f}**" in text and f"**{ev['arman_dev_per_org_loc']['micro']['f']:.3f}**" in text
    assert "welfare-nlp train-ner" in text and "/root/" not in text and "--arch" not in text and "ner_cnn" not in text
    assert "a linear layer over BIO tags" in text and "Head `arman` has a BiLSTM of its own" in text

    training = json.loads((model / "training.json").read_text(encoding="utf-8"))
    training["history"] = [{"epoch": 1, "averaged": 0, "peyma": 0.5, "arman": 0.4, "arman_by_peyma_head": 0.3,
                            "seconds": 9.0, "sentences": 42298}]
    training["specialise"] = {"arman": [{"epoch": 1, "peyma": 0.5, "arman": 0.45, "arman_by_peyma_head": 0.3,
                                         "seconds": 7.0}]}
    training["options"]["oversample"] = {"peyma": 2}
    training["pretrain"] = {"steps": 10, "tokens": 99, "seconds": 60, "reused": True}
    training["notes"] = {"run": "- a note\n"}
    (model / "training.json").write_text(json.dumps(training), encoding="utf-8")
    meta_file = model / "welfare_tagger" / "tagger.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta["head_hidden"] = 16
    meta["heads"] = [{"name": n, "labels": ["PER", "ORG"]} for n in ("peyma", "peyma_600k", "arman")]
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    text = card(model)
    assert "| 1 |  | 0.500 | 0.400 | 0.300 | 9 |" in text and "- a note" in text
    assert "a ReLU layer of 16 units of its own" in text and "reused it" in text
    assert "| 1 | 0.500 | 0.450 | 0.300 | 7 |" in text and "4,613 sentences" in text
    assert "Three heads on the LSTM" in text and "- `peyma_600k` (PER ORG), PEYMA's labels as its 600K part" in text
    assert "its\n  600K part (17,100 sentences not repeated in PEYMA train) the `peyma_600k` head" in text
    assert "(each pass sees the `peyma` head's sentences 2 times, 42,298 sentences in all)" in text


def test_tagger_reads_the_pipelines_tokens_without_making_docs(nlp):
    """The pipeline hands the tagger its Doc's token texts up to the body's end (``body_tokens``): the
    same tokens, offsets and entities as the Doc that ``body_doc`` makes and as the model's own tokenizer."""
    model = ner.get_model()
    texts = ["به گزارش ایرنا، سعید پورعلی معاون فرهنگی جهاد دانشگاهی گفت: طرح اجرا شد.\n\nدر تهران  امروز",
             "علی احمدی در سازمان بهزیستی استان کرمان گفت. تهران\n\nامروز  گفت"]
    docs = [nlp.make_doc(t) for t in texts]
    for doc in docs:
        text = doc.text
        for end in (len(text), len(text) - 7, text.index(" ") + 1, text.index(" "), 3, 0):
            made = model.body_doc(doc, end)
            got = model.body_tokens(doc, end, text)
            assert (made is None) == (got is None)
            if made is not None:
                assert got == ([t.text for t in made], [t.idx for t in made])
                assert model.body_tokens(doc, end) == got
    bodies = [d.text for d in docs]
    plain = model.many(bodies)
    assert plain and plain == model.many(bodies, token_docs=[model.body_doc(d, len(t)) for d, t in zip(docs, bodies)])
    assert plain == model.many(bodies, token_words=[model.body_tokens(d, len(t), t) for d, t in zip(docs, bodies)])
    assert model.body_tokens(docs[0], len(bodies[0]), "not its text") == model.body_tokens(docs[0], len(bodies[0]))

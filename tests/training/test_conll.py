import pytest

from welfare_nlp.training.conll import MISSING, Sentence, map_labels, norm_token, read_conll, spans
from welfare_nlp.training.evaluate import score_spans

SPANS = [
    (["B-PER", "I-PER", "O", "B-LOC"], [(0, 2, "PER"), (3, 4, "LOC")]),
    (["O", "O"], []),
    (["I-ORG", "I-ORG", "O"], [(0, 2, "ORG")]),           # I- without B- starts an entity
    (["B-PER", "B-PER"], [(0, 1, "PER"), (1, 2, "PER")]),
    (["B-PER", "I-LOC"], [(0, 1, "PER"), (1, 2, "LOC")]),  # a label change ends the entity
]


@pytest.mark.parametrize("tags,expected", SPANS)
def test_spans(tags, expected):
    assert spans(tags) == expected


def test_map_labels_marks_missing():
    s = Sentence(["a", "b", "c", "d"], ["B-FAC", "I-FAC", "O", "B-PER"])
    assert map_labels(s, {"FAC": MISSING}) == [MISSING, MISSING, "O", "B-PER"]
    assert map_labels(s, {"FAC": "LOC"}) == ["B-LOC", "I-LOC", "O", "B-PER"]


def test_norm_token_keeps_one_token():
    assert norm_token("كرمان") == "کرمان"
    assert norm_token("۲۵۰۰نفر") == "2500نفر"
    assert norm_token("\u200f") == "_"


def test_read_conll(tmp_path):
    f = tmp_path / "x.conll"
    f.write_text("سعید\tB-PER\nپورعلی\tI-PER\nگفت\tO\n\nتهران\tB-LOC\n", encoding="utf-8")
    sents = list(read_conll(f))
    assert [s.tokens for s in sents] == [["سعید", "پورعلی", "گفت"], ["تهران"]]
    f.write_text("tokenwithouttag\n", encoding="utf-8")
    with pytest.raises(ValueError, match="x.conll:1"):
        list(read_conll(f))


def test_score_spans_exact_match():
    gold = [{(0, 2, "PER"), (3, 4, "LOC")}, {(0, 1, "ORG")}]
    pred = [{(0, 2, "PER"), (3, 5, "LOC")}, {(0, 1, "ORG"), (2, 3, "PER")}]
    rep = score_spans(gold, pred)
    assert rep["per_label"]["PER"] == {"p": 0.5, "r": 1.0, "f": 0.6667, "tp": 1, "fp": 1, "fn": 0}
    assert rep["per_label"]["LOC"]["tp"] == 0 and rep["per_label"]["LOC"]["fp"] == 1
    assert rep["micro"]["tp"] == 2 and rep["micro"]["fp"] == 2 and rep["micro"]["fn"] == 1
    only = score_spans(gold, pred, {"ORG"})
    assert only["labels"] == ["ORG"] and only["micro"]["f"] == 1.0

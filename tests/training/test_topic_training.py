"""Training the topic model (welfare_nlp.training.topic): trusted labels, the held-out score of the shipped
model, the train-topic command, and numpy predictions equal to scikit-learn's."""
import gzip
import json

import numpy as np
import pytest

from conftest import ROOT, SHARED, needs_shared
from welfare_nlp.extractors import topic
from welfare_nlp.training import topic as training

pytestmark = pytest.mark.integration

MODEL = ROOT / "models" / "topic"
NEWS = SHARED / "data" / "news"


def test_labels_of_the_old_fars_archive_are_not_trusted():
    assert not training.labels_trusted({"url": "https://www.farsnews.ir/news/8704030155"})
    assert training.labels_trusted({"url": "https://www.farsnews.ir/news/13930222000260/x"})
    assert training.labels_trusted({})


@needs_shared(NEWS / "farsnews_2023.jsonl.gz")
def test_shipped_model_reproduces_its_held_out_score():
    pytest.importorskip("sklearn")
    from sklearn.metrics import f1_score
    from sklearn.model_selection import train_test_split

    metrics = json.loads((MODEL / "metrics.json").read_text(encoding="utf-8"))
    docs = training.load_news(SHARED / "data")
    assert len(docs) == metrics["documents"]
    y = [d["topic"] for d in docs]
    _, te = train_test_split(range(len(docs)), test_size=metrics["test_size"], random_state=metrics["seed"], stratify=y)
    model = topic.get_model()
    pred = [model.predict(docs[i]["text"])["topic"] for i in te]
    f1 = f1_score([y[i] for i in te], pred, average="macro")
    assert f1 == pytest.approx(metrics["coarse"]["macro_f1"], abs=0.002)
    assert f1 >= 0.80


@pytest.fixture
def tiny_data(tmp_path):
    """A small news folder: the first 12 documents of each desk of farsnews_2023 (an empty 2008 file)."""
    data = tmp_path / "data"
    (data / "news").mkdir(parents=True)
    per_class: dict[str, int] = {}
    with gzip.open(NEWS / "farsnews_2023.jsonl.gz", "rt", encoding="utf-8") as src, \
            gzip.open(data / "news" / "farsnews_2023.jsonl.gz", "wt", encoding="utf-8") as dst:
        for line in src:
            cat = json.loads(line)["category"]
            if per_class.get(cat, 0) < 12:
                per_class[cat] = per_class.get(cat, 0) + 1
                dst.write(line)
    with gzip.open(data / "news" / "farsnews_2008.jsonl.gz", "wt", encoding="utf-8"):
        pass
    return data, sum(per_class.values())


@needs_shared(NEWS / "farsnews_2023.jsonl.gz")
def test_train_topic_command(tiny_data, tmp_path, capsys):
    pytest.importorskip("sklearn")
    from welfare_nlp.cli import main

    data, _ = tiny_data
    out = tmp_path / "cli-model"
    assert main(["train-topic", "--data", str(data), "--out", str(out), "--cv", "0", "--buckets", "4096"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert 0 <= printed["coarse_macro_f1"] <= 1 and printed["out"] == str(out)
    meta = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert meta["features"]["buckets"] == 4096 and meta["command"].startswith(
        f"welfare-nlp train-topic --data {data} --out {out} --seed 0")
    assert meta["command"] in (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert topic.TopicModel(out).predict("تیم ملی فوتبال")["topic"] in topic.TOPICS


@needs_shared(NEWS / "farsnews_2023.jsonl.gz")
def test_training_writes_a_model_whose_numpy_predictions_match_scikit_learn(tiny_data, tmp_path):
    pytest.importorskip("sklearn")
    data, n_written = tiny_data
    out = tmp_path / "model"
    cfg = {"buckets": 2 ** 12}
    report = training.train(data, out, cv=0, config=cfg, command="test")
    docs = training.load_news(data)
    assert 0 < report["documents"] == len(docs) <= n_written and report["test"] > 0
    assert report["read"]["duplicate"] == n_written - len(docs)
    assert sorted(p.name for p in out.iterdir()) == ["MODEL_CARD.md", "config.json", "metrics.json", "model.npz",
                                                    "training.json"]

    # the same heads, fitted again, against the model read back from disk
    X = training.matrix([d["text"] for d in docs], cfg)
    y = np.array([d["topic"] for d in docs])
    coarse = training._fit(X, y, 10.0, 0)
    social = training._fit(X, np.where(y == "social", "social", "other"), 10.0, 0)
    training._write(out, coarse, social, [t for t in topic.TOPICS if t in set(y)], {**topic.DEFAULT_CONFIG, **cfg},
                 report, "test")
    model = topic.TopicModel(out)
    sk = coarse.predict_proba(X[:5])
    sk_social = social.predict_proba(X[:5])[:, list(social.classes_).index("social")]
    for i, d in enumerate(docs[:5]):
        got = model.predict(d["text"])
        for c, p in got["scores"].items():
            assert p == pytest.approx(sk[i][list(coarse.classes_).index(c)], abs=1e-3)
        assert got["social_probability"] == pytest.approx(sk_social[i], abs=1e-3)

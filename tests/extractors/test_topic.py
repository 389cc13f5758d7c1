"""The topic model: safe format, features, the record's fields, the filter, training and its scores."""
import gzip
import json

import numpy as np
import pytest

from conftest import ROOT, SHARED, needs_shared
from welfare_nlp.extractors import topic
from welfare_nlp.text.normalize import normalize_text

MODEL = ROOT / "models" / "topic"
NEWS = SHARED / "data" / "news"


def test_model_directory_holds_only_safe_formats():
    files = sorted(p.name for p in MODEL.iterdir())
    assert files == ["MODEL_CARD.md", "config.json", "metrics.json", "model.npz"]
    assert (MODEL / "model.npz").stat().st_size < 10 * 1024 * 1024
    with np.load(MODEL / "model.npz", allow_pickle=False) as z:  # no object arrays
        assert {k: z[k].dtype.kind for k in z.files} == {"coarse_coef": "f", "coarse_intercept": "f",
                                                         "social_coef": "f", "social_intercept": "f"}
    meta = json.loads((MODEL / "config.json").read_text(encoding="utf-8"))
    assert meta["classes"] == list(topic.TOPICS) and meta["command"].startswith("welfare-nlp train-topic")


def test_card_reports_held_out_macro_f1_and_the_rebuild_command():
    metrics = json.loads((MODEL / "metrics.json").read_text(encoding="utf-8"))
    card = (MODEL / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert metrics["coarse"]["macro_f1"] >= 0.80
    assert f"**{metrics['coarse']['macro_f1']:.3f}**" in card and f"**{metrics['social']['macro_f1']:.3f}**" in card
    assert "welfare-nlp train-topic --data ../shared/data --out models/topic" in card


@pytest.mark.parametrize("text", ["", "   ", "123 456", "ب", "کار"])
def test_features_of_short_and_empty_texts(text):
    idx, val = topic.featurize(text)
    assert len(idx) == len(val)
    if len(idx):
        assert np.isclose(np.linalg.norm(val), 1.0) and (np.diff(idx) > 0).all()
        assert idx.min() >= 0 and idx.max() < topic.DEFAULT_CONFIG["buckets"]


def test_features_are_deterministic_and_ignore_the_agency_byline():
    a = "به گزارش خبرنگار ورزشی خبرگزاری فارس، تیم ملی کشتی در مسابقات جهانی شرکت می‌کند."
    b = "به گزارش خبرگزاری فارس، تیم ملی کشتی در مسابقات جهانی شرکت می‌کند."
    ia, va = topic.featurize(a)
    ib, vb = topic.featurize(b)
    assert np.array_equal(ia, ib) and np.allclose(va, vb)
    assert np.array_equal(topic.featurize(a)[0], ia)


@pytest.mark.parametrize("text, expected", [
    ("تیم ملی فوتبال ایران در ورزشگاه آزادی با گل مهاجم خود بر حریف پیروز شد و سرمربی از بازیکنان تشکر کرد.",
     "sports"),
    ("مددجویان بهزیستی و خانواده‌های تحت پوشش کمیته امداد از تسهیلات اشتغال و مسکن برخوردار می‌شوند و "
     "معلولان و زنان سرپرست خانوار در اولویت هستند.", "social"),
    ("بانک مرکزی اعلام کرد نرخ تورم و رشد نقدینگی کاهش یافت و صادرات غیرنفتی و تولید ناخالص داخلی افزایش داشت.",
     "economy"),
])
def test_obvious_topics(text, expected):
    got = topic.predict(text)
    assert got["topic"] == expected, got
    assert set(got["scores"]) == set(topic.TOPICS) and abs(sum(got["scores"].values()) - 1) < 0.01
    assert 0 <= got["social_probability"] <= 1


def test_record_and_doc_carry_the_topic(extract, nlp):
    text = (ROOT / "corpus" / "c05_shiraz_rehab_center_visit.txt").read_text(encoding="utf-8")
    rec = extract(text, id="c05")
    assert rec.topic in topic.TOPICS and 0 < rec.topic_probability <= 1 and 0 <= rec.social_probability <= 1
    assert rec.topic == topic.predict(text)["topic"]
    doc = nlp(text)
    assert max(doc.cats, key=doc.cats.get) == rec.topic
    assert "welfare_topic" in nlp.pipe_names


@pytest.mark.parametrize("record, wanted, kept", [
    ({"id": "a", "topic": "social", "social_probability": 0.7}, "social", True),
    ({"id": "a", "topic": "economy", "social_probability": 0.6}, "social", True),   # the binary head says social
    ({"id": "a", "topic": "economy", "social_probability": 0.2}, "social", False),
    ({"id": "a", "topic": "economy", "social_probability": 0.6}, "economy", True),
    ({"id": "a", "topic": "sports", "social_probability": 0.1}, ["economy", "sports"], True),
    ({"id": "a", "topic": None, "social_probability": None}, "social", False),      # no model
    ({"id": "a", "error": {"code": "E001", "message": "empty"}}, "social", False),
])
def test_keep(record, wanted, kept):
    assert topic.keep(record, wanted) is kept


def test_keep_rejects_unknown_topics():
    with pytest.raises(ValueError):
        topic.keep({"id": "a", "topic": "social"}, "welfare")


def test_labels_of_the_old_fars_archive_are_not_trusted():
    assert not topic.labels_trusted({"url": "https://www.farsnews.ir/news/8704030155"})
    assert topic.labels_trusted({"url": "https://www.farsnews.ir/news/13930222000260/x"})
    assert topic.labels_trusted({})


@needs_shared(NEWS / "farsnews_2023.jsonl.gz")
def test_shipped_model_reproduces_its_held_out_score():
    pytest.importorskip("sklearn")
    from sklearn.metrics import f1_score
    from sklearn.model_selection import train_test_split

    metrics = json.loads((MODEL / "metrics.json").read_text(encoding="utf-8"))
    docs = topic.load_news(SHARED / "data")
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
    report = topic.train(data, out, cv=0, config=cfg, command="test")
    docs = topic.load_news(data)
    assert 0 < report["documents"] == len(docs) <= n_written and report["test"] > 0
    assert report["read"]["duplicate"] == n_written - len(docs)
    assert sorted(p.name for p in out.iterdir()) == ["MODEL_CARD.md", "config.json", "metrics.json", "model.npz"]

    # the same heads, fitted again, against the model read back from disk
    X = topic.matrix([d["text"] for d in docs], cfg)
    y = np.array([d["topic"] for d in docs])
    coarse = topic._fit(X, y, 10.0, 0)
    social = topic._fit(X, np.where(y == "social", "social", "other"), 10.0, 0)
    topic._write(out, coarse, social, [t for t in topic.TOPICS if t in set(y)], {**topic.DEFAULT_CONFIG, **cfg},
                 report, "test")
    model = topic.TopicModel(out)
    sk = coarse.predict_proba(X[:5])
    sk_social = social.predict_proba(X[:5])[:, list(social.classes_).index("social")]
    for i, d in enumerate(docs[:5]):
        got = model.predict(d["text"])
        for c, p in got["scores"].items():
            assert p == pytest.approx(sk[i][list(coarse.classes_).index(c)], abs=1e-3)
        assert got["social_probability"] == pytest.approx(sk_social[i], abs=1e-3)


def test_stage_without_a_model_warns_and_leaves_the_topic_empty(tmp_path, monkeypatch):
    from welfare_nlp.text.context import DocContext

    monkeypatch.setenv("WELFARE_NLP_TOPIC", str(tmp_path / "none"))
    ctx = DocContext.from_raw("استان کرمان")
    with pytest.warns(UserWarning, match="no topic model"):
        topic.stage(ctx)
    assert ctx.topic is None


def test_text_is_normalised_before_prediction():
    raw = "مددجويان بهزيستي و خانواده‌هاي تحت پوشش كميته امداد از تسهيلات اشتغال برخوردار مي‌شوند."
    assert topic.predict(raw) == topic.get_model().predict(normalize_text(raw))

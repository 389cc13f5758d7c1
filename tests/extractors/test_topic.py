"""The topic model at run time: safe format, features, the record's fields, the filter (training:
tests/training/test_topic.py)."""
import json

import numpy as np
import pytest

from conftest import ROOT
from welfare_nlp.extractors import topic
from welfare_nlp.text.normalize import normalize_text

pytestmark = pytest.mark.integration

MODEL = ROOT / "models" / "topic"


def test_model_directory_holds_only_safe_formats():
    files = sorted(p.name for p in MODEL.iterdir())
    assert files == ["MODEL_CARD.md", "config.json", "metrics.json", "model.npz", "training.json"]
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


def _plain_ngram_hashes(ids, n, seed):
    """The definition: h = seed + n, then h = h * prime + id for each id of the n-gram, wrapping at 2**64."""
    out = []
    for i in range(len(ids) - n + 1):
        h = seed + n
        for x in ids[i:i + n]:
            h = (h * 0x100000001B3 + int(x)) % 2 ** 64
        out.append(h)
    return topic._mix(np.array(out, dtype=np.uint64))


@pytest.mark.parametrize("length, sizes, seed", [
    (3, [3], 2000), (5, [3, 4, 5], 2000), (40, [3, 4, 5], 2000), (2, [1, 2], 1000), (9, [2], 7), (1, [1], 1000),
])
def test_ngram_hashes_equal_the_definition(length, sizes, seed):
    ids = np.random.default_rng(length).integers(0, 2 ** 32, length).astype(np.uint64)
    got = topic._ngram_hash_sets(ids, sizes, seed)
    assert len(got) == len(sizes)
    for n, h in zip(sizes, got):
        assert np.array_equal(h, _plain_ngram_hashes(ids, n, seed))
    other = topic._ngram_hash_sets(ids, sizes, seed + 1)     # negative: another seed, other hashes
    assert not any(np.array_equal(a, b) for a, b in zip(got, other))


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

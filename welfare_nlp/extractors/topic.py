"""Topic of a document: a linear classifier over hashed word and character n-grams.

Two heads share one feature space:

* ``coarse``: politics, social, economy, sports, culture, world (Fars News desks, merged);
* ``social``: social/welfare against the rest (a binary head, its probability is ``social_probability``).

The model is plain arrays (``model.npz``, loaded with ``allow_pickle=False``) and a JSON config:
no pickle. Features are computed here with numpy alone (so the pipeline's topic stage needs no
scikit-learn); training (scikit-learn) is ``welfare_nlp.training.topic`` (``welfare-nlp train-topic``).

Where the model lives: ``$WELFARE_NLP_TOPIC`` if set, else the shipped ``models/topic`` (``welfare_nlp.settings``).
"""
from __future__ import annotations

import json
import os
import re
import threading
import warnings
import zlib
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from welfare_nlp.errors import UnsafeModel
from welfare_nlp.settings import model_dir, model_location
from welfare_nlp.text.normalize import normalize_text

NAME = "topic"
DEFAULT_MODEL = model_dir("topic")  # installed (welfare_nlp/models/topic), else the checkout's models/topic
FORMAT = "welfare_nlp.topic/1"
_LOCK = threading.Lock()
_MODELS: dict[str, "TopicModel"] = {}
_WARNED: set[str] = set()

TOPICS = ("politics", "social", "economy", "sports", "culture", "world")

DEFAULT_CONFIG = {
    "buckets": 2 ** 18,       # hashed feature space
    "char_ngrams": [3, 4, 5],  # character n-grams over the letters-only text
    "word_ngrams": [1, 2],
    "max_chars": 4000,        # the head of the (normalised) text: title, lead and body start
    "char_weight": 1.0,
    "word_weight": 1.0,
}

_WORD = re.compile(r"[^\W\d_]+")
# the outlet's own attribution line ("به گزارش خبرنگار ورزشی خبرگزاری فارس"): it names the desk, which
# other outlets' texts do not; masked so that the model learns from the story, not the byline
_BYLINE = re.compile(r"به گزارش\s+(?:(?:خبرنگار|گروه|سرویس)[^،.\n:]{0,50}?\s+)?(?:خبرگزاری\s+)?(?:فارس|ایرنا|ایسنا|ایلنا|مهر|تسنیم)")


# ---------------------------------------------------------------- features
def _mix(h):
    """A 64-bit finaliser (splitmix64) on a numpy uint64 array: spreads the bits before the modulo."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


_PRIME = np.uint64(0x100000001B3)


def _ngram_hash_sets(ids, sizes: list[int], seed: int) -> list:
    """For each n of ``sizes`` (ascending, each <= len(ids)), one mixed 64-bit hash per n-gram of ``ids``
    (word hashes or code points): h = seed + n, then h = h * prime + id for each id of the n-gram (uint64,
    wrapping); ``seed`` keeps kinds apart. Computed without the loop per n: the hash of a k-gram without
    the seed's part, times the prime, plus the next id, is that of the (k + 1)-gram, and the seed's part
    is (seed + n) * prime ** n."""
    out, poly, k = [], ids, 1                  # poly: the hashes of the k-grams without the seed's part
    with np.errstate(over="ignore"):
        for n in sizes:
            while k < n:
                poly = poly[:-1] * _PRIME + ids[k:]
                k += 1
            out.append(_mix(poly + np.uint64(seed + n) * _PRIME ** np.uint64(n)))
    return out


def clean(text: str, max_chars: int) -> str:
    """Lower case, the byline masked, cut to ``max_chars``. ``text`` is already normalised."""
    return _BYLINE.sub(" ", text[: max_chars + 200])[:max_chars].lower()


def featurize(text: str, config: dict | None = None):
    """Hashed, sublinear, L2-normalised n-gram features of a NORMALISED text:
    ``(indices, values)``, numpy arrays (int64, float32), indices sorted and unique."""
    cfg = {**DEFAULT_CONFIG, **(config or {})}
    D = np.uint64(cfg["buckets"])
    words = _WORD.findall(clean(text, cfg["max_chars"]))
    parts, weights = [], []
    if words:
        wh = np.array([zlib.crc32(w.encode("utf-8")) for w in words], dtype=np.uint64)
        letters = " " + " ".join(words) + " "
        cps = np.frombuffer(letters.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        for ids, sizes, seed, weight in ((wh, cfg["word_ngrams"], 1000, cfg["word_weight"]),
                                         (cps, cfg["char_ngrams"], 2000, cfg["char_weight"])):
            sizes = sorted(n for n in sizes if len(ids) >= n)
            for h in _ngram_hash_sets(ids, sizes, seed):
                parts.append(h % D)
                weights.append(weight)
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    # every part's buckets counted in one sort: part k's keys are k * D + bucket, so the parts stay apart and
    # in order, each one's distinct buckets ascending (as a sort of its own would give them)
    d = int(D)
    keys = np.concatenate([p.astype(np.int64) + k * d for k, p in enumerate(parts)])
    keys.sort()
    u, first = _runs(keys)
    val = 1.0 + np.log(np.diff(first, append=len(keys)).astype(np.float64))
    bounds = np.searchsorted(u, np.arange(len(parts) + 1) * d).tolist()
    for k, w in enumerate(weights):             # sublinear counts, L2-normalised per part
        v = val[bounds[k]:bounds[k + 1]]
        v *= w / np.linalg.norm(v)
    idx = u - np.repeat(np.arange(len(parts), dtype=np.int64) * d, np.diff(bounds))
    order = np.argsort(idx, kind="stable")      # a bucket's values summed in the order of the parts
    u, starts = _runs(idx[order])
    out = np.add.reduceat(val[order], starts)
    out /= np.linalg.norm(out) or 1.0
    return u, out.astype(np.float32)


def _runs(sorted_keys):
    """(distinct keys, index of each one's first place) of a sorted, non-empty array."""
    first = np.empty(len(sorted_keys), dtype=bool)
    first[0] = True
    np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return sorted_keys[starts], starts


# ---------------------------------------------------------------- the model
class TopicModel:
    """The shipped topic model: ``predict(normalised_text)`` -> label, probabilities."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        meta = json.loads((self.path / "config.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError(f"{self.path}: not a welfare_nlp topic model ({meta.get('format')!r})")
        self.meta = meta
        self.config = {**DEFAULT_CONFIG, **meta["features"]}
        try:
            with np.load(self.path / "model.npz", allow_pickle=False) as z:
                self.coef = z["coarse_coef"].astype(np.float32)          # (classes, buckets)
                self.intercept = z["coarse_intercept"].astype(np.float64)
                self.social_coef = z["social_coef"].astype(np.float32)   # (buckets,)
                self.social_intercept = float(z["social_intercept"])
        except ValueError as exc:  # numpy refuses object (pickled) arrays when allow_pickle is False
            raise UnsafeModel(f"{self.path / 'model.npz'} ({exc})") from None
        self.classes = list(meta["classes"])
        if self.coef.shape != (len(self.classes), self.config["buckets"]):
            raise ValueError(f"{self.path}: coefficients {self.coef.shape} do not fit the config")
        # one row of class weights per bucket: a document's buckets are read as whole rows (one cache line
        # each, not one per class). ``coef`` stays the (classes, buckets) view of the same memory
        self._rows = np.ascontiguousarray(self.coef.T)
        self.coef = self._rows.T

    def predict(self, text: str) -> dict[str, Any]:
        """``{"topic", "topic_probability", "social_probability", "scores": {topic: p}}`` for a
        normalised text (``welfare_nlp.text.normalize.normalize_text``)."""
        idx, val = featurize(text, self.config)
        # self._rows[idx].T is laid out as coef[:, idx] of a C-ordered coef was (the same product, bit for bit)
        z = self._rows[idx].T @ val + self.intercept
        p = np.exp(z - z.max())
        p /= p.sum()
        s = float(self.social_coef[idx] @ val) + self.social_intercept
        social = 1.0 / (1.0 + np.exp(-s))
        best = int(p.argmax())
        return {"topic": self.classes[best], "topic_probability": round(float(p[best]), 4),
                "social_probability": round(float(social), 4),
                "scores": {c: round(float(x), 4) for c, x in zip(self.classes, p)}}


def model_path(path: str | os.PathLike | None = None) -> Path:
    return model_location("topic", path)


def available(path: str | os.PathLike | None = None) -> bool:
    p = model_path(path)
    return (p / "config.json").exists() and (p / "model.npz").exists()


def get_model(path: str | os.PathLike | None = None) -> TopicModel:
    p = str(model_path(path))
    with _LOCK:
        if p not in _MODELS:
            _MODELS[p] = TopicModel(p)
        return _MODELS[p]


def predict(text: str, path: str | os.PathLike | None = None) -> dict[str, Any]:
    """The topic of a raw text (normalised here)."""
    return get_model(path).predict(normalize_text(text))


def stage(ctx):
    """Pipeline stage: ``ctx.topic`` from the body text; skipped (one warning) without a model."""
    if not available():
        p = str(model_path())
        if p not in _WARNED:
            _WARNED.add(p)
            warnings.warn(f"no topic model at {p}: records get no topic")
        return ctx
    ctx.topic = get_model().predict(ctx.body)
    return ctx


def keep(record: dict, topic: str | Iterable[str], *, threshold: float = 0.5) -> bool:
    """Whether a record (a JSON dict as written by ``welfare-nlp extract``) is about ``topic``
    (a coarse topic or several). ``social`` also takes records whose ``social_probability`` is at
    least ``threshold`` (the binary head is trained for exactly that question). Error rows and
    records without a topic are not kept."""
    wanted = {topic} if isinstance(topic, str) else set(topic)
    unknown = wanted - set(TOPICS)
    if unknown:
        raise ValueError(f"unknown topic(s) {sorted(unknown)}; choose from {', '.join(TOPICS)}")
    if record.get("error") or record.get("topic") is None:
        return False
    if record["topic"] in wanted:
        return True
    sp = record.get("social_probability")
    return "social" in wanted and sp is not None and sp >= threshold

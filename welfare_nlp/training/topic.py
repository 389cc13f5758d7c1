"""Training the topic model (``welfare-nlp train-topic``): scikit-learn logistic regressions over the
run-time features of ``welfare_nlp.extractors.topic``, written as plain arrays that the run-time module reads
with numpy alone. The model card is filled from what the run wrote (``welfare_nlp.training.cards``).
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import time
from pathlib import Path
from typing import Iterable

import numpy as np

from welfare_nlp.extractors.topic import DEFAULT_CONFIG, FORMAT, TOPICS, clean, featurize
from welfare_nlp.text.normalize import normalize_text
from welfare_nlp.training import cards

# Fars News desk (``category``) -> coarse topic; desks not listed (province, regional offices, magazine,
# viewpoint, per-province desks, empty) say where a story ran, not what it is about: left out; so is
# scientific-academic (too few documents with trustworthy labels to learn or to score: ``SMALL_DESKS``).
COARSE = {
    "politics": "politics", "foreign-policy": "politics",
    "social": "social",
    "economy": "economy",
    "sports": "sports",
    "culture": "culture", "arts-media": "culture",
    "world": "world",
}
SMALL_DESKS = ("scientific-academic",)
NEWS_FILES = ("farsnews_2008.jsonl.gz", "farsnews_2023.jsonl.gz")
NEWS_SPAN = "about 2012-2021 and of 2023"  # the years of the items of NEWS_FILES whose labels are trusted

# The check behind ``labels_trusted`` (measured once, recorded with each model in ``training.json``): share of
# the old archive's desk labels a model trained on the newer items agrees with, against its cross-validated
# agreement on the newer items themselves.
LABEL_CHECK = {"old_archive_agreement": 0.40, "newer_cv_agreement": 0.83}

_OLD_FARS = re.compile(r"/news/([0-9]+)")


def labels_trusted(row: dict) -> bool:
    """False for items of the old Fars News archive (numeric ids before the site's 13xx date-coded
    ones, ``/news/8204240126``): their desk labels disagree with their text (football reports
    filed under ``world``, a play under ``scientific-academic``); a model trained on the newer items
    agrees with about 40% of them, against about 83% cross-validated on the newer items themselves
    (``LABEL_CHECK``)."""
    m = _OLD_FARS.search(row.get("url") or "")
    return m is None or m.group(1).startswith("13")


def load_news(data_dir: str | os.PathLike, stats: dict | None = None) -> list[dict]:
    """The categorised Fars News documents of ``DATA/news``: ``{"id", "text", "category", "topic"}``,
    text normalised, desks without a coarse topic left out, duplicate texts kept once. ``stats`` gets the
    counts (read, no_topic, untrusted, duplicate) and, under ``small_desks``, the documents with trustworthy
    labels of each desk in ``SMALL_DESKS``."""
    out, seen = [], set()
    stats = {} if stats is None else stats
    for k in ("read", "no_topic", "untrusted", "duplicate"):
        stats[k] = 0
    small = {d: 0 for d in SMALL_DESKS}
    for name in NEWS_FILES:
        path = Path(data_dir) / "news" / name
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                row = json.loads(line)
                stats["read"] += 1
                desk = (row.get("category") or "").strip()
                topic = COARSE.get(desk)
                if topic is None:
                    stats["no_topic"] += 1
                    if desk in small and labels_trusted(row):
                        small[desk] += 1
                    continue
                if not labels_trusted(row):
                    stats["untrusted"] += 1
                    continue
                text = normalize_text(row.get("text") or "")
                if not text.strip():
                    continue
                key = hashlib.sha1(clean(text, DEFAULT_CONFIG["max_chars"]).encode("utf-8")).hexdigest()
                if key in seen:
                    stats["duplicate"] += 1
                    continue
                seen.add(key)
                out.append({"id": f"{name.split('.')[0]}:{row.get('id')}", "text": text,
                            "category": row["category"], "topic": topic})
    stats["small_desks"] = small
    return out


def matrix(texts: Iterable[str], config: dict | None = None):
    """A scipy CSR matrix of ``featurize`` rows."""
    from scipy.sparse import csr_matrix  # optional (the train extra), as scikit-learn

    cfg = {**DEFAULT_CONFIG, **(config or {})}
    indptr, indices, data = [0], [], []
    for t in texts:
        i, v = featurize(t, cfg)
        indices.append(i)
        data.append(v)
        indptr.append(indptr[-1] + len(i))
    return csr_matrix((np.concatenate(data) if data else np.zeros(0, np.float32),
                       np.concatenate(indices) if indices else np.zeros(0, np.int64), indptr),
                      shape=(len(indptr) - 1, cfg["buckets"]), dtype=np.float32)


def _fit(X, y, C: float, seed: int):
    from sklearn.linear_model import LogisticRegression  # optional (the train extra)

    return LogisticRegression(C=C, max_iter=2000, class_weight="balanced", random_state=seed).fit(X, y)


def _scores(y_true, y_pred, labels) -> dict:
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support  # optional (train extra)

    p, r, f, n = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return {"macro_f1": round(float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)), 4),
            "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
            "per_class": {str(c): {"precision": round(float(a), 4), "recall": round(float(b), 4),
                                   "f1": round(float(d), 4), "support": int(e)}
                          for c, a, b, d, e in zip(labels, p, r, f, n)}}


def train(data_dir: str | os.PathLike, out: str | os.PathLike | None, *, seed: int = 0, test_size: float = 0.2,
          C: float = 10.0, config: dict | None = None, cv: int = 5, command: str | None = None) -> dict:
    """Train both heads on a stratified split of the Fars News documents, score them on the held-out
    part, and (with ``out``) write ``model.npz``, ``config.json``, ``metrics.json``, ``training.json`` and
    ``MODEL_CARD.md``.

    The shipped model is the one trained on the training part, so the card's numbers are its own.
    ``cv`` > 1 adds a stratified k-fold cross-validation of the coarse head over all documents."""
    from sklearn.model_selection import StratifiedKFold, train_test_split  # optional (the train extra)

    t0 = time.time()
    cfg = {**DEFAULT_CONFIG, **(config or {})}
    stats: dict = {}
    docs = load_news(data_dir, stats)
    small = stats.pop("small_desks")
    y = np.array([d["topic"] for d in docs])
    X = matrix((d["text"] for d in docs), cfg)
    idx = np.arange(len(docs))
    tr, te = train_test_split(idx, test_size=test_size, random_state=seed, stratify=y)
    classes = [t for t in TOPICS if t in set(y)]
    coarse = _fit(X[tr], y[tr], C, seed)
    ys = np.where(y == "social", "social", "other")
    social = _fit(X[tr], ys[tr], C, seed)
    report = {
        "read": stats, "documents": len(docs), "train": len(tr), "test": len(te), "seed": seed, "test_size": test_size, "C": C,
        "classes": {c: int((y == c).sum()) for c in classes},
        "coarse": _scores(y[te], coarse.predict(X[te]), classes),
        "social": _scores(ys[te], social.predict(X[te]), ["social", "other"]),
    }
    if cv > 1:
        folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=seed)
        f1s = []
        for a, b in folds.split(idx, y):
            f1s.append(_scores(y[b], _fit(X[a], y[a], C, seed).predict(X[b]), classes)["macro_f1"])
        report["coarse_cv"] = {"folds": cv, "macro_f1_mean": round(float(np.mean(f1s)), 4),
                               "macro_f1_std": round(float(np.std(f1s)), 4)}
    if out is not None:
        training = {"options": {"seed": seed, "test_size": test_size, "C": C, "cv": cv, "buckets": cfg["buckets"]},
                    "small_desks": small, "label_check": LABEL_CHECK, "news_span": NEWS_SPAN,
                    "seconds": round(time.time() - t0, 1), "cpus": os.cpu_count()}
        _write(Path(out), coarse, social, classes, cfg, report, command, training)
    return report


def _write(out: Path, coarse, social, classes: list[str], cfg: dict, report: dict, command: str | None,
           training: dict | None = None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    order = [list(coarse.classes_).index(c) for c in classes]
    pos = list(social.classes_).index("social")
    sc, si = social.coef_[0].astype(np.float32), float(social.intercept_[0])
    if pos == 0:  # sklearn's binary coefficients point at classes_[1]
        sc, si = -sc, -si
    np.savez_compressed(out / "model.npz", coarse_coef=coarse.coef_[order].astype(np.float32),
                        coarse_intercept=coarse.intercept_[order].astype(np.float32),
                        social_coef=sc, social_intercept=np.float32(si))
    meta = {"format": FORMAT, "classes": classes, "features": cfg, "heads": ["coarse", "social"],
            "coarse_map": COARSE, "data": [f"news/{n}" for n in NEWS_FILES], "command": command}
    (out / "config.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out / "metrics.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    training = training or {"options": {"seed": report["seed"], "test_size": report["test_size"], "C": report["C"],
                                        "cv": (report.get("coarse_cv") or {}).get("folds", 0),
                                        "buckets": cfg["buckets"]}}
    (out / "training.json").write_text(json.dumps(training, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    cards.write(out)

"""Entity-level evaluation of an NER model on a CoNLL file (IOB2): exact span and label match,
precision / recall / F1 per label and micro-averaged over the evaluated labels.

    welfare-nlp evaluate-ner FILE.conll [--model DIR] [--labels PER,ORG,LOC] [--json]
"""
from __future__ import annotations

import time
from collections import Counter

from welfare_nlp.errors import ModelNotFound
from welfare_nlp.ner.component import get_model
from welfare_nlp.training.conll import norm_token, read_conll, spans


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def score_spans(gold: list[set], pred: list[set], labels: set[str] | None = None) -> dict:
    """``gold``/``pred``: per sentence, sets of (start, end, label)."""
    counts: dict[str, Counter] = {}
    used = labels or {lab for g in gold for _, _, lab in g}
    for g, p in zip(gold, pred):
        g = {x for x in g if x[2] in used}
        p = {x for x in p if x[2] in used}
        for lab in used:
            c = counts.setdefault(lab, Counter())
            gl = {x for x in g if x[2] == lab}
            pl = {x for x in p if x[2] == lab}
            c["tp"] += len(gl & pl)
            c["fp"] += len(pl - gl)
            c["fn"] += len(gl - pl)
    per = {lab: _prf(c["tp"], c["fp"], c["fn"]) for lab, c in sorted(counts.items())}
    tot = Counter()
    for c in counts.values():
        tot.update(c)
    return {"labels": sorted(used), "per_label": per, "micro": _prf(tot["tp"], tot["fp"], tot["fn"])}


def pick_scheme(file_labels: set[str], schemes: dict[str, list[str]] | None) -> str | None:
    """The scheme (model head) whose labels cover most of a file's labels; ties go to the first (the
    model's default). None for a model with one scheme."""
    if not schemes or len(schemes) < 2:
        return None
    return max(schemes, key=lambda name: (len(file_labels & set(schemes[name])), -list(schemes).index(name)))


def evaluate(path: str, model=None, labels: set[str] | None = None, scheme: str | None = "auto") -> dict:
    """Scores of ``model`` on a CoNLL file. ``scheme``: which of the model's heads predicts (for a model
    trained on several annotation schemes); "auto" picks by the file's labels (``pick_scheme``)."""
    model = model or get_model(None)
    sents = list(read_conll(path))
    gold = [set(spans(s.tags)) for s in sents]
    schemes = getattr(model, "schemes", None)
    if scheme == "auto":
        scheme = pick_scheme({lab for g in gold for _, _, lab in g}, schemes)
    elif scheme is not None and scheme not in (schemes or {}):
        raise ModelNotFound(f"{getattr(model, 'path', model)} (no scheme {scheme!r}; it has "
                            f"{', '.join(schemes or {}) or 'one scheme'})")
    words = [[norm_token(t) for t in s.tokens] for s in sents]
    t0 = time.perf_counter()
    if hasattr(model, "predict_batch"):
        pred = [set(p) for p in model.predict_batch(words, scheme=scheme)]
    else:
        pred = [set(model.predict_tokens(w)) for w in words]
    dt = time.perf_counter() - t0
    ntok = sum(map(len, words))
    report = score_spans(gold, pred, labels)
    report.update({"file": str(path), "sentences": len(sents), "tokens": ntok, "scheme": scheme,
                   "tokens_per_s": round(ntok / dt) if dt else None})
    return report


def format_report(rep: dict) -> str:
    scheme = f", scheme {rep['scheme']}" if rep.get("scheme") else ""
    lines = [f"{rep['file']}: {rep['sentences']} sentences, {rep['tokens']} tokens{scheme}",
             f"{'label':<8}{'P':>8}{'R':>8}{'F1':>8}{'tp':>7}{'fp':>7}{'fn':>7}"]
    for lab, r in rep["per_label"].items():
        lines.append(f"{lab:<8}{r['p']:>8.3f}{r['r']:>8.3f}{r['f']:>8.3f}{r['tp']:>7}{r['fp']:>7}{r['fn']:>7}")
    m = rep["micro"]
    lines.append(f"{'micro':<8}{m['p']:>8.3f}{m['r']:>8.3f}{m['f']:>8.3f}{m['tp']:>7}{m['fp']:>7}{m['fn']:>7}")
    return "\n".join(lines)

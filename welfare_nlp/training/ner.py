"""Training the shipped NER model: ``welfare-nlp train-ner --data ../shared/data --out models/ner``.

Steps:

1. ``vectors``: floret vectors (hashed subword vectors, small enough to ship) trained on the raw news in
   ``data/news/`` and the NER training text, tokenised exactly as the pipeline tokenises (skipped when
   ``build/ner/vectors`` exists).
2. the BiLSTM-CRF tagger of ``welfare_nlp.ner.tagger``,
   trained with torch by ``welfare_nlp.training.tagger``, one head per annotation scheme (``SCHEMES``: each
   corpus trains the head of its own scheme, all of them the shared encoder), saved as a spaCy pipeline.
   Its encoder is first pretrained as a language model on the vectors corpus (``--pretrain-steps``; an
   earlier pretraining with the same settings is reused). ``--specialise HEAD`` then gives a head a BiLSTM of
   its own, trained further on that head's corpora alone (the shipped model: ``arman``).
   Measured and off by default: ``--cross-heads`` (partial labels for the other heads, ``CROSS``),
   ``--oversample HEAD=N``, ``--lm-weight``, ``--head-hidden``, ``--separate-600k`` (``SEPARATE_600K``).

``finish`` copies the model to ``--out``, evaluates it on the PEYMA and ARMAN dev files, measures load time
and throughput and writes ``evaluation.json``, ``training.json`` (the options, corpus sizes, dev curves) and the
model card (``welfare_nlp.training.cards``: a template filled from those files).
"""
from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from welfare_nlp._spacy import spacy  # spaCy without torch (first import through welfare_nlp._spacy)
from welfare_nlp.ner.component import SpacyNER
from welfare_nlp.ner.tagger import tag_names
from welfare_nlp.pipeline.factories import register_tagger
from welfare_nlp.text.normalize import normalize_text
from welfare_nlp.training import cards
from welfare_nlp.training.conll import norm_token, read_conll
from welfare_nlp.training.evaluate import evaluate, score_spans
from welfare_nlp.training.tagger import (build_vocab, cross_allowed, lm_sentences, load_corpus, pretrain_encoder,
                                         pretrain_settings, pretrained_as_asked, specialise_head, train_tagger)

LABELS = ["PER", "ORG", "LOC", "DAT", "TIM", "MON", "PCT"]
CORPORA = {
    # name: train file under data/ner
    "peyma": "peyma/train.conll",
    "peyma_600k": "peyma_600k/train.conll",
    "arman": "arman/train.conll",
    "parsner_news": "parsner_news/train.conll",
}
VARIANTS = {
    "peyma": ["peyma", "peyma_600k"],
    "combined": ["peyma", "peyma_600k", "arman", "parsner_news"],
}
DEV = {"peyma": "peyma/dev.conll", "arman": "arman/dev.conll"}
LM_SENTENCE_TOKENS = 60   # the pretraining cuts the vectors corpus into sentences of at most this many tokens
# floret's settings besides the CLI's --vectors-dim and --vectors-bucket (recorded in training.json)
FLORET = {"model": "cbow", "mode": "floret", "hashCount": 2, "minn": 3, "maxn": 5, "minCount": 3}


def _log(msg: str) -> None:
    print(f"[train-ner {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def vectors_text(data: Path, out_txt: Path) -> dict:
    """One line per paragraph of a news document or per NER sentence, tokens separated by spaces; returns
    the counts (``lines``, ``news_documents``)."""
    tok = spacy.blank("fa").tokenizer
    n = docs = 0
    with open(out_txt, "w", encoding="utf-8") as out:
        for f in sorted((data / "news").glob("*.jsonl.gz")):
            with gzip.open(f, "rt", encoding="utf-8") as fh:
                for line in fh:
                    docs += 1
                    text = normalize_text(json.loads(line).get("text") or "")
                    for para in text.split("\n"):
                        words = [t.text for t in tok(para) if not t.is_space]
                        if words:
                            out.write(" ".join(words) + "\n")
                            n += 1
        for rel in CORPORA.values():
            for sent in read_conll(data / "ner" / rel):
                out.write(" ".join(norm_token(t) for t in sent.tokens) + "\n")
                n += 1
    return {"lines": n, "news_documents": docs}


def _vectors_corpus(data: Path, work: Path) -> dict:
    """``work/vectors_text.txt`` (written when absent) and its counts (``vectors_text``)."""
    txt, counts = work / "vectors_text.txt", work / "vectors_text.json"
    if not txt.exists() or not counts.exists():
        _log(f"writing the vectors corpus to {txt}")
        counts.write_text(json.dumps(vectors_text(data, txt)), encoding="utf-8")
    return json.loads(counts.read_text(encoding="utf-8"))


def train_vectors(data: Path, work: Path, dim: int = 100, bucket: int = 50000, epochs: int = 5,
                  threads: int = 2) -> Path:
    """floret vectors -> a spaCy vectors directory (``work/vectors``); what was done goes to
    ``work/vectors/training.json`` (``finish`` copies it into the model's ``training.json``)."""
    import floret  # optional (the train extra), used here only

    t0 = time.time()
    work.mkdir(parents=True, exist_ok=True)
    counts = _vectors_corpus(data, work)
    _log(f"training floret vectors: dim={dim} bucket={bucket} epochs={epochs}")
    model = floret.train_unsupervised(str(work / "vectors_text.txt"), bucket=bucket, dim=dim, epoch=epochs,
                                      thread=threads, **FLORET)
    floret_txt = work / "vectors.floret"
    model.save_floret_vectors(str(floret_txt))
    out = work / "vectors"
    if out.exists():
        shutil.rmtree(out)
    subprocess.run([sys.executable, "-m", "spacy", "init", "vectors", "fa", str(floret_txt), str(out),
                    "--mode", "floret"], check=True)
    info = {"model": FLORET["model"], "dim": dim, "bucket": bucket, "minn": FLORET["minn"], "maxn": FLORET["maxn"],
            "epochs": epochs, "threads": threads, "news_documents": counts["news_documents"],
            "seconds": round(time.time() - t0, 1)}
    (out / "training.json").write_text(json.dumps(info), encoding="utf-8")
    return out


# The tagger's heads, one per annotation scheme: (labels, the corpora that train it). Each corpus trains only
# the head of its own scheme (its labels as they are), and every corpus trains the shared encoder.
SCHEMES = {
    "peyma": (LABELS, ["peyma", "peyma_600k"]),
    "arman": (["PER", "ORG", "LOC", "FAC", "EVENT", "PRO"], ["arman"]),
    "parsner": (["PER", "ORG", "LOC", "MISC"], ["parsner_news"]),
}

# ``train-ner --separate-600k``: PEYMA's 600K part trains a head of its own. It has PEYMA's labels but not its
# conventions: a bare `مجلس` is ORG 321 times and O 30 times there, O 131 times and ORG once in PEYMA train, O
# in PEYMA dev; `جهان` is LOC 115 of 158 times in PEYMA train and never in the 600K part; 1.36 ORG spans per 100
# tokens against 2.07. Measured and left off: two runs of it ended 0.812 / 0.709 and 0.803 / 0.680 (PEYMA dev /
# ARMAN dev), the one-head run 0.813 / 0.691 (the model card has the curves).
SEPARATE_600K = {"peyma": (LABELS, ["peyma"]), "peyma_600k": (LABELS, ["peyma_600k"])}


# ``--specialise HEAD`` trains the head's own BiLSTM on these of its corpora (the others: all of them). The
# ``peyma`` head's own BiLSTM learns from PEYMA train alone, whose conventions PEYMA dev follows
# (``SEPARATE_600K``); the shared training still uses the 600K part.
SPECIALISE_ON = {"peyma": ("peyma",)}


def schemes_for(separate_600k: bool = False) -> dict:
    """The heads (``SCHEMES``), with PEYMA's 600K part on a head of its own when asked (``SEPARATE_600K``)."""
    if not separate_600k:
        return dict(SCHEMES)
    out = dict(SEPARATE_600K)
    out.update((k, v) for k, v in SCHEMES.items() if k != "peyma")
    return out


# Partial labels for another head (welfare_nlp.training.tagger.cross_allowed): (source corpus head, target head) ->
# (source label -> the target labels its span may carry, the target labels an unlabelled token may carry).
# A source label left out of the map leaves its tokens unconstrained.
_Q = ("DAT", "TIM", "MON", "PCT")
CROSS = {
    ("peyma", "arman"): ({"PER": ("PER",), "ORG": ("ORG", "FAC", "PRO", "EVENT"), "LOC": ("LOC", "ORG", "FAC"),
                          "DAT": (), "TIM": (), "MON": (), "PCT": ()}, ("FAC", "PRO", "EVENT")),
    ("arman", "peyma"): ({"PER": ("PER",), "ORG": ("ORG", "LOC"), "LOC": ("LOC",)}, _Q),
    ("parsner", "peyma"): ({"PER": ("PER",), "ORG": ("ORG", "LOC"), "LOC": ("LOC",)}, _Q),
    ("parsner", "arman"): ({"PER": ("PER",), "ORG": ("ORG", "FAC", "PRO", "EVENT"), "LOC": ("LOC", "ORG", "FAC")},
                           ("FAC", "PRO", "EVENT")),
}


def open_org(examples: list, labels: list[str]) -> int:
    """``train-ner --open-600k-org``: in these sentences a token annotated O, B-ORG or I-ORG may be any of the
    three (the partial-label likelihood leaves the decision to what the other corpora taught); every other
    label stays as annotated. PEYMA's 600K part does not follow PEYMA's ORG conventions (``SEPARATE_600K``),
    but its people, places, dates and money do. Returns how many tokens were opened."""
    names = tag_names(labels)
    cols = [0, names.index("B-ORG"), names.index("I-ORG")]
    n = 0
    for ex in examples:
        one = ex.allowed.sum(1) == 1
        hit = one & ex.allowed[:, cols].any(1)
        ex.allowed[np.ix_(hit, cols)] = True
        n += int(hit.sum())
    return n


def contested_names(examples: list, min_org: int = 2, min_share: float = 0.2) -> set[str]:
    """Names (span texts) a corpus annotates as a place (LOC) and also as an organisation (ORG), at least
    ``min_org`` times and in at least ``min_share`` of their LOC-or-ORG spans: in ARMAN, countries
    (``ایران`` LOC 192 / ORG 91, ``آمریکا`` 113 / 65, ``روسیه`` 45 / 28) and a few provinces and cities."""
    seen: dict[str, Counter] = defaultdict(Counter)
    for ex in examples:
        for s, e, lab in ex.gold:
            seen[" ".join(ex.words[s:e])][lab] += 1
    return {name for name, c in seen.items()
            if c["LOC"] and c["ORG"] >= min_org and c["ORG"] / (c["ORG"] + c["LOC"]) >= min_share}


def open_contested(examples: list, labels: list[str], names: set[str]) -> int:
    """``train-ner --open-contested``: a LOC span whose text is one of ``names`` (``contested_names``) may be
    LOC or ORG, its boundaries kept; an ORG span stays ORG. ARMAN's annotators moved over the corpus from
    calling a state a place to calling it an organisation when it acts (``رئیس‌جمهور روسیه``: LOC in the
    first 1,000 sentences, ``رئیس‌جمهوری آمریکا`` ORG after sentence 3,500). The ORG share of these names' spans
    per 500 sentences of ARMAN train is 2-25% in the first 2,000 sentences and 45-80% from sentence 2,001 on
    (the model card has the table); ARMAN dev, the 500 sentences after train, has 55%. A LOC label on such
    a name is therefore weak evidence, an ORG label strong. Returns how many spans were opened."""
    index = {t: i for i, t in enumerate(tag_names(labels))}
    n = 0
    for ex in examples:
        for s, e, lab in ex.gold:
            if lab == "LOC" and " ".join(ex.words[s:e]) in names:
                ex.allowed[s, index["B-ORG"]] = True
                ex.allowed[s + 1:e, index["I-ORG"]] = True
                n += 1
    return n


def open_contested_arman(train: list) -> tuple[int, int]:
    """``open_contested`` on the training sentences of the ``arman`` head, the names found in them
    (``contested_names``); returns (spans opened, names)."""
    mine = [ex for ex in train if ex.scheme == "arman"]
    names = contested_names(mine)
    return open_contested(mine, SCHEMES["arman"][0], names), len(names)


def tagger_corpora(data: Path, variant: str = "combined", cross: bool = False, separate_600k: bool = False,
                   open_600k_org: bool = False):
    """Training examples (each with its scheme and allowed tag sets) and the dev files, for the tagger.
    With ``cross``, every sentence also carries partial labels for the other heads ``CROSS`` maps it to;
    with ``separate_600k``, PEYMA's 600K part trains a head of its own (``schemes_for``); with
    ``open_600k_org``, the 600K part's ORG-or-O decisions are left open (``open_org``)."""
    train, seen = [], set()
    schemes = {}
    for scheme, (labels, names) in schemes_for(separate_600k).items():
        for name in names:
            if name not in VARIANTS[variant]:
                continue
            schemes[scheme] = labels
            part = load_corpus(data / "ner" / CORPORA[name], {}, labels, scheme=scheme, corpus=name)
            kept = [ex for ex in part if (key := " ".join(ex.words)) not in seen and not seen.add(key)]
            _log(f"{name}: {len(kept)} sentences -> head {scheme}")
            if name == "peyma_600k" and open_600k_org:
                _log(f"{name}: {open_org(kept, labels)} tokens' ORG-or-O left open")
            train.extend(kept)
    if cross:
        for ex in train:
            for (src, dst), (type_map, outside) in CROSS.items():
                if src == ex.scheme and dst in schemes:
                    ex.also.append((dst, cross_allowed(ex.gold, len(ex.words), schemes[dst], type_map, outside)))
    arman = load_corpus(data / "ner" / DEV["arman"], {}, SCHEMES["arman"][0], scheme="arman")
    devs = {"peyma": (load_corpus(data / "ner" / DEV["peyma"], {}, LABELS), None, "peyma")}
    if "arman" in schemes:
        devs["arman"] = (arman, {"PER", "ORG", "LOC"}, "arman")
    devs["arman_by_peyma_head"] = (arman, {"PER", "ORG", "LOC"}, "peyma")
    return train, devs, schemes


def train_tagger_model(data: Path, work: Path, vectors: Path, variant: str = "combined", epochs: int = 10,
                       hidden: int = 128, seed: int = 0, average_from: int = 0, pretrain_steps: int = 0,
                       cross: bool = False, oversample: dict | None = None, lm_weight: float = 0.0,
                       head_hidden: int = 0, specialise: list[str] | tuple[str, ...] = (),
                       specialise_epochs: int = 3, separate_600k: bool = False, open_600k_org: bool = False,
                       contested: bool = False, threads: int = 2) -> Path:
    """Train the BiLSTM-CRF tagger (``welfare_nlp.training.tagger``) and save it as a spaCy pipeline: the
    floret vectors in its vocab, one ``welfare_tagger`` component. The weights kept are those after the
    last epoch, averaged over the epochs from ``average_from`` on (the dev files are only reported, never
    used to pick a checkpoint). With ``pretrain_steps``, the encoder is first trained that many batches as a
    language model on the vectors corpus (the raw news and the training sentences, ``welfare_nlp.training.tagger.
    pretrain_encoder``). With ``cross``, each sentence also trains the other heads ``CROSS`` maps its
    corpus to, on partial labels; ``oversample``: head -> how many times its sentences are seen per epoch;
    ``lm_weight``: the pretraining's language models stay on as a second task with this weight;
    ``head_hidden``: a ReLU layer of each head's own (``train_tagger``); ``specialise``: heads that then
    get a BiLSTM of their own, trained ``specialise_epochs`` passes on their corpora alone
    (``welfare_nlp.training.tagger.specialise_head``); ``separate_600k``: PEYMA's 600K part trains a head of its own;
    ``open_600k_org``: the 600K part's ORG-or-O decisions left open (``tagger_corpora``); ``contested``: when
    ``specialise`` trains the ``arman`` head's own BiLSTM, ARMAN's LOC spans of names it also calls ORG may be
    ORG (``open_contested_arman``; the shared training sees ARMAN as annotated); ``threads``: torch threads of
    the tagging epochs and the specialising passes (the result is repeatable bit for bit for a given number;
    the pretraining keeps its own setting)."""
    train_set, devs, schemes = tagger_corpora(data, variant, cross=cross, separate_600k=separate_600k,
                                              open_600k_org=open_600k_org)
    if contested and "arman" not in specialise:
        raise ValueError("contested: ARMAN's contested names are opened for the arman head's own BiLSTM; "
                         "add --specialise arman")
    if set(specialise) - set(schemes):
        raise ValueError(f"specialise: no head named {sorted(set(specialise) - set(schemes))}; the heads of "
                         f"variant {variant!r} are {list(schemes)}")
    if set(oversample or {}) - set(schemes):
        raise ValueError(f"oversample: no head named {sorted(set(oversample) - set(schemes))}; the heads of "
                         f"variant {variant!r} are {list(schemes)}")
    nlp = spacy.load(vectors)
    run = work / "runs" / f"tagger_{variant}"
    pretrained, pretrain = None, None
    if pretrain_steps:
        _vectors_corpus(data, work)
        sentences = lm_sentences(work / "vectors_text.txt", max_len=LM_SENTENCE_TOKENS)
        words, chars = build_vocab(train_set)
        pretrained = run / "pretrain"
        settings = pretrain_settings(sentences, steps=pretrain_steps, hidden=hidden, seed=seed)
        pretrain = pretrained_as_asked(pretrained, words, chars, settings)
        if pretrain is not None:
            _log(f"the encoder pretrained with these settings is in {pretrained}: reused")
            pretrain = dict(pretrain, reused=True)
        else:
            _log(f"pretraining the encoder: {pretrain_steps} batches of news sentences ({len(sentences)} in all)")
            pretrain = pretrain_encoder(sentences, words, chars, nlp.vocab.vectors, pretrained, schemes,
                                        steps=pretrain_steps, hidden=hidden, seed=seed)
    history = train_tagger(train_set, devs, nlp.vocab.vectors, schemes, run / "weights", epochs=epochs,
                           hidden=hidden, seed=seed, average_from=average_from, pretrained=pretrained,
                           oversample=oversample, lm_weight=lm_weight, head_hidden=head_hidden, threads=threads)
    if contested:    # after the shared training: the encoder and the other heads learn ARMAN as annotated
        opened, n_names = open_contested_arman(train_set)
        _log(f"arman: {opened} LOC spans of {n_names} contested names may be ORG in --specialise arman")
        history["contested"] = {"spans": opened, "names": n_names}
    for head in specialise:
        history.setdefault("specialise", {})[head] = specialise_head(run / "weights", head, train_set,
                                                                     nlp.vocab.vectors, devs,
                                                                     epochs=specialise_epochs, seed=seed,
                                                                     threads=threads,
                                                                     corpora=SPECIALISE_ON.get(head))
    if pretrain is not None:
        history["pretrain"] = dict(pretrain, batch_size=settings["batch_size"], max_len=LM_SENTENCE_TOKENS)
    history["sentences"] = dict(Counter(ex.corpus for ex in train_set))
    (run / "history.json").write_text(json.dumps(history, indent=1), encoding="utf-8")
    register_tagger()
    comp = nlp.add_pipe("welfare_tagger")
    comp.from_disk(run / "weights")
    exs = devs["peyma"][0]
    pred = [set(s) for s in comp.tagger.spans([ex.words for ex in exs])]
    per = score_spans([ex.gold for ex in exs], pred)["per_label"]
    nlp.meta.update({"name": "welfare_ner_tagger", "version": "1.0.0", "description":
                     "BiLSTM-CRF NER for Persian news (welfare_nlp.ner.tagger), floret vectors",
                     "performance": {"ents_per_type": {k: {"p": v["p"], "r": v["r"], "f": v["f"]} for k, v in per.items()}},
                     "labels": {"welfare_tagger": LABELS}})
    model = run / "model"
    if model.exists():
        shutil.rmtree(model)
    nlp.to_disk(model)
    return model


def _dir_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6, 1)


def finish(best: Path, out: Path, data: Path, argv: list[str] | None = None, options: dict | None = None,
           notes: dict | None = None) -> dict:
    """Copy the trained model (``train_tagger_model``'s ``best``) to ``out``, measure it, and write
    ``evaluation.json``, ``training.json`` (``argv`` and ``options``, the run's ``history.json``, the vectors'
    ``training.json``, ``notes``: Markdown under ``data`` and ``run`` for the card) and the model card."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(best, out)
    for junk in out.rglob("*.pyc"):
        junk.unlink()
    model = SpacyNER(out)
    peyma = evaluate(str(data / "ner" / DEV["peyma"]), model)
    arman = evaluate(str(data / "ner" / DEV["arman"]), model, {"PER", "ORG", "LOC"})
    extra = {}
    if model.schemes:   # the same file through the default (peyma) head, for comparison
        extra["arman_dev_per_org_loc_peyma_head"] = evaluate(str(data / "ner" / DEV["arman"]), model,
                                                             {"PER", "ORG", "LOC"}, scheme=next(iter(model.schemes)))
    load = subprocess.run([sys.executable, "-c", "import time; t=time.perf_counter(); import spacy; u=time.perf_counter(); "
                           f"spacy.load({str(out)!r}); print(u-t, time.perf_counter()-u)"],
                          capture_output=True, text=True, check=True)
    import_s, load_s = (float(x) for x in load.stdout.split())
    bench = Path(__file__).resolve().parents[2] / "benchmarks" / "ner_speed.py"   # in a checkout
    speed = {}
    if bench.exists():
        res = subprocess.run([sys.executable, str(bench), "--model", str(out), "--json"], capture_output=True, text=True)
        if res.returncode == 0:
            speed = json.loads(res.stdout.strip().splitlines()[-1])
    command = " ".join([Path(argv[0]).name, *argv[1:]] if argv else [])
    card = {
        "peyma_dev": peyma, "arman_dev_per_org_loc": arman, "load_s": round(load_s, 2), "import_spacy_s": round(import_s, 2),
        "size_mb": _dir_mb(out), "throughput": speed, "command": command, **extra,
    }
    (out / "evaluation.json").write_text(json.dumps(card, ensure_ascii=False, indent=1), encoding="utf-8")
    run = best.parent
    history = json.loads((run / "history.json").read_text(encoding="utf-8"))
    options = options or {}
    vectors_info = Path(options.get("work", run.parent.parent)) / "vectors" / "training.json"
    training = {"command": command, "options": options, "settings": history.get("settings", {}),
                "sentences": history.get("sentences", {}),
                "vectors": json.loads(vectors_info.read_text(encoding="utf-8")) if vectors_info.exists() else {},
                **{k: history[k] for k in ("history", "pretrain", "specialise", "contested") if k in history},
                "notes": notes or {}}
    (out / "training.json").write_text(json.dumps(training, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    cards.write(out)
    return card

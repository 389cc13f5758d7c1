"""Training the shipped NER model: ``welfare-nlp train-ner --data ../shared/data --out models/ner``.

Steps:

1. ``vectors``: floret vectors (hashed subword vectors, small enough to ship) trained on the raw news in
   ``data/news/`` and the NER training text, tokenised exactly as the pipeline tokenises (skipped when
   ``build/ner/vectors`` exists).
2. ``--arch tagger`` (the default, the shipped model): the BiLSTM-CRF tagger of ``welfare_nlp.ner.tagger``,
   trained with torch by ``welfare_nlp.training.tagger``, one head per annotation scheme (``SCHEMES``: each
   corpus trains the head of its own scheme, all of them the shared encoder), saved as a spaCy pipeline.
   Its encoder is first pretrained as a language model on the vectors corpus (``--pretrain-steps``; an
   earlier pretraining with the same settings is reused). ``--specialise HEAD`` then gives a head a BiLSTM of
   its own, trained further on that head's corpora alone (the shipped model: ``arman``).
   Measured and off by default: ``--cross-heads`` (partial labels for the other heads, ``CROSS``),
   ``--oversample HEAD=N``, ``--lm-weight``, ``--head-hidden``, ``--separate-600k`` (``SEPARATE_600K``).
3. ``--arch cnn`` (the previous model, ``models/ner_cnn``): the corpora as spaCy ``DocBin`` files with
   PEYMA's label set (``--variant combined`` adds ARMAN and ParsNER news with their PER/ORG/LOC kept and
   their other labels and possible quantities marked missing), then ``spacy train`` with
   ``welfare_nlp/ner_config.cfg``.

``finish`` copies the model to ``--out``, evaluates it on the PEYMA and ARMAN dev files, measures load time
and throughput and writes ``evaluation.json`` and a model card.
"""
from __future__ import annotations

import gzip
import json
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from welfare_nlp.training.conll import MISSING, read_conll, to_docs

LABELS = ["PER", "ORG", "LOC", "DAT", "TIM", "MON", "PCT"]
PEYMA = {}  # PEYMA's labels are ours
OTHER = {"FAC": MISSING, "PRO": MISSING, "EVENT": MISSING, "MISC": MISSING}
_MAYBE_QUANTITY = re.compile(
    r"\d|^(?:درصد|تومان|ریال|دلار|یورو|هزار|میلیون|میلیارد|ساعت|صبح|عصر|ظهر|شب|امروز|دیروز|فردا|"
    r"فروردین|اردیبهشت|خرداد|تیر|تیرماه|مرداد|شهریور|مهر|مهرماه|آبان|آذر|دی|دیماه|بهمن|اسفند|سال|ماه|"
    r"ژانویه|فوریه|مارس|آوریل|مه|ژوئن|ژوئیه|اوت|سپتامبر|اکتبر|نوامبر|دسامبر|شنبه|یکشنبه|دوشنبه|سه‌شنبه|"
    r"چهارشنبه|پنجشنبه|پنج‌شنبه|جمعه)$")

CORPORA = {
    # name: (train file under data/ner, label mapping, mark possible quantities as missing)
    "peyma": ("peyma/train.conll", PEYMA, False),
    "peyma_600k": ("peyma_600k/train.conll", PEYMA, False),
    "arman": ("arman/train.conll", OTHER, True),
    "parsner_news": ("parsner_news/train.conll", OTHER, True),
}
VARIANTS = {
    "peyma": ["peyma", "peyma_600k"],
    "combined": ["peyma", "peyma_600k", "arman", "parsner_news"],
}
DEV = {"peyma": ("peyma/dev.conll", PEYMA), "arman": ("arman/dev.conll", OTHER)}
CONFIG = Path(__file__).with_name("ner_config.cfg")


def _log(msg: str) -> None:
    print(f"[train-ner {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def vectors_text(data: Path, out_txt: Path) -> int:
    """One line per news document or NER sentence, tokens separated by spaces."""
    import spacy

    from welfare_nlp.text.normalize import normalize_text

    tok = spacy.blank("fa").tokenizer
    n = 0
    with open(out_txt, "w", encoding="utf-8") as out:
        for f in sorted((data / "news").glob("*.jsonl.gz")):
            with gzip.open(f, "rt", encoding="utf-8") as fh:
                for line in fh:
                    text = normalize_text(json.loads(line).get("text") or "")
                    for para in text.split("\n"):
                        words = [t.text for t in tok(para) if not t.is_space]
                        if words:
                            out.write(" ".join(words) + "\n")
                            n += 1
        for name, (rel, _, _) in CORPORA.items():
            from welfare_nlp.training.conll import norm_token

            for sent in read_conll(data / "ner" / rel):
                out.write(" ".join(norm_token(t) for t in sent.tokens) + "\n")
                n += 1
    return n


def train_vectors(data: Path, work: Path, dim: int = 100, bucket: int = 50000, epochs: int = 5,
                  threads: int = 2) -> Path:
    """floret vectors -> a spaCy vectors directory (``work/vectors``)."""
    import floret

    work.mkdir(parents=True, exist_ok=True)
    txt = work / "vectors_text.txt"
    if not txt.exists():
        _log(f"writing the vectors corpus to {txt}")
        vectors_text(data, txt)
    _log(f"training floret vectors: dim={dim} bucket={bucket} epochs={epochs}")
    model = floret.train_unsupervised(str(txt), model="cbow", mode="floret", hashCount=2, bucket=bucket,
                                      minn=3, maxn=5, minCount=3, dim=dim, epoch=epochs, thread=threads)
    floret_txt = work / "vectors.floret"
    model.save_floret_vectors(str(floret_txt))
    out = work / "vectors"
    if out.exists():
        shutil.rmtree(out)
    subprocess.run([sys.executable, "-m", "spacy", "init", "vectors", "fa", str(floret_txt), str(out),
                    "--mode", "floret"], check=True)
    return out


def prepare(data: Path, work: Path, variant: str = "combined", seed: int = 0) -> dict[str, Path]:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("fa")
    work.mkdir(parents=True, exist_ok=True)
    docs, seen = [], set()
    for name in VARIANTS[variant]:
        rel, mapping, mask = CORPORA[name]
        missing_if = (lambda w: bool(_MAYBE_QUANTITY.search(w))) if mask else None
        part = [d for d in to_docs(read_conll(data / "ner" / rel), nlp.vocab, mapping, missing_if)
                if d.text not in seen and not seen.add(d.text)]  # the 600K part repeats some sentences
        _log(f"{name}: {len(part)} sentences")
        docs.extend(part)
    random.Random(seed).shuffle(docs)
    paths = {"train": work / f"train_{variant}.spacy"}
    DocBin(docs=docs).to_disk(paths["train"])
    for name, (rel, mapping) in DEV.items():
        paths[f"dev_{name}"] = work / f"dev_{name}.spacy"
        DocBin(docs=list(to_docs(read_conll(data / "ner" / rel), nlp.vocab, mapping))).to_disk(paths[f"dev_{name}"])
    return paths


def train(data: Path, out: Path, work: Path, variant: str = "combined", vectors: Path | None = None,
          max_steps: int = 20000, eval_frequency: int = 1000, width: int = 128, hidden: int = 128,
          depth: int = 4, seed: int = 0) -> Path:
    from spacy.cli.train import train as spacy_train

    paths = prepare(data, work, variant, seed)
    overrides = {
        "paths.train": str(paths["train"]),
        "paths.dev": str(paths["dev_peyma"]),
        "paths.vectors": str(vectors) if vectors else None,
        "training.max_steps": max_steps,
        "training.eval_frequency": eval_frequency,
        "training.seed": seed,
        "components.tok2vec.model.encode.width": width,
        "components.tok2vec.model.embed.width": width,
        "components.tok2vec.model.embed.include_static_vectors": bool(vectors),
        "components.ner.model.hidden_width": hidden,
        "components.tok2vec.model.encode.depth": depth,
    }
    overrides = {k: v for k, v in overrides.items() if v is not None}
    _log(f"training ({variant}) -> {out}")
    spacy_train(CONFIG, out, overrides=overrides)
    return out / "model-best"


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


# Partial labels for another head (tagger_train.cross_allowed): (source corpus head, target head) ->
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
    import numpy as np

    from welfare_nlp.ner.tagger import tag_names

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
    from collections import Counter, defaultdict

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
    from welfare_nlp.ner.tagger import tag_names

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
    from welfare_nlp.training.tagger import cross_allowed, load_corpus

    train, seen = [], set()
    schemes = {}
    for scheme, (labels, names) in schemes_for(separate_600k).items():
        for name in names:
            if name not in VARIANTS[variant]:
                continue
            schemes[scheme] = labels
            part = load_corpus(data / "ner" / CORPORA[name][0], {}, labels, scheme=scheme, corpus=name)
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
    arman = load_corpus(data / "ner" / DEV["arman"][0], {}, SCHEMES["arman"][0], scheme="arman")
    devs = {"peyma": (load_corpus(data / "ner" / DEV["peyma"][0], {}, LABELS), None, "peyma")}
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
    language model on the vectors corpus (the raw news and the training sentences, ``tagger_train.
    pretrain_encoder``). With ``cross``, each sentence also trains the other heads ``CROSS`` maps its
    corpus to, on partial labels; ``oversample``: head -> how many times its sentences are seen per epoch;
    ``lm_weight``: the pretraining's language models stay on as a second task with this weight;
    ``head_hidden``: a ReLU layer of each head's own (``train_tagger``); ``specialise``: heads that then
    get a BiLSTM of their own, trained ``specialise_epochs`` passes on their corpora alone
    (``tagger_train.specialise_head``); ``separate_600k``: PEYMA's 600K part trains a head of its own;
    ``open_600k_org``: the 600K part's ORG-or-O decisions left open (``tagger_corpora``); ``contested``: when
    ``specialise`` trains the ``arman`` head's own BiLSTM, ARMAN's LOC spans of names it also calls ORG may be
    ORG (``open_contested_arman``; the shared training sees ARMAN as annotated); ``threads``: torch threads of
    the tagging epochs and the specialising passes (the result is repeatable bit for bit for a given number;
    the pretraining keeps its own setting)."""
    import spacy

    from welfare_nlp.pipeline.factories import register_tagger
    from welfare_nlp.training.tagger import (build_vocab, lm_sentences, pretrain_encoder, pretrain_settings, pretrained_as_asked,
                               specialise_head, train_tagger)

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
        txt = work / "vectors_text.txt"
        if not txt.exists():
            _log(f"writing the vectors corpus to {txt}")
            vectors_text(data, txt)
        sentences = lm_sentences(txt)
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
        history["pretrain"] = pretrain
    (run / "history.json").write_text(json.dumps(history, indent=1), encoding="utf-8")
    register_tagger()
    comp = nlp.add_pipe("welfare_tagger")
    comp.from_disk(run / "weights")
    from welfare_nlp.training.evaluate import score_spans

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


def finish(best: Path, out: Path, data: Path, argv: list[str] | None = None, notes: str = "") -> dict:
    """Copy the trained model to ``out``, measure it and write its model card (``MODEL_CARD.md``)."""
    import subprocess as sp

    from welfare_nlp.ner.component import SpacyNER
    from welfare_nlp.training.evaluate import evaluate

    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(best, out)
    for junk in out.rglob("*.pyc"):
        junk.unlink()
    model = SpacyNER(out)
    peyma = evaluate(str(data / "ner" / "peyma" / "dev.conll"), model)
    arman = evaluate(str(data / "ner" / "arman" / "dev.conll"), model, {"PER", "ORG", "LOC"})
    extra = {}
    if model.schemes:   # the same file through the default (peyma) head, for comparison
        extra["arman_dev_per_org_loc_peyma_head"] = evaluate(str(data / "ner" / "arman" / "dev.conll"), model,
                                                             {"PER", "ORG", "LOC"}, scheme=next(iter(model.schemes)))
    load = sp.run([sys.executable, "-c", "import time; t=time.perf_counter(); import spacy; u=time.perf_counter(); "
                   f"spacy.load({str(out)!r}); print(u-t, time.perf_counter()-u)"],
                  capture_output=True, text=True, check=True)
    import_s, load_s = (float(x) for x in load.stdout.split())
    bench = Path(__file__).resolve().parent.parent / "benchmarks" / "ner_speed.py"
    speed = {}
    if bench.exists():
        res = sp.run([sys.executable, str(bench), "--model", str(out), "--json"], capture_output=True, text=True)
        if res.returncode == 0:
            speed = json.loads(res.stdout.strip().splitlines()[-1])
    card = {
        "peyma_dev": peyma, "arman_dev_per_org_loc": arman, "load_s": round(load_s, 2), "import_spacy_s": round(import_s, 2),
        "size_mb": _dir_mb(out), "throughput": speed,
        "command": " ".join([Path(argv[0]).name, *argv[1:]] if argv else []), **extra,
    }
    (out / "evaluation.json").write_text(json.dumps(card, ensure_ascii=False, indent=1), encoding="utf-8")
    if (out / "welfare_tagger").exists():
        write_tagger_card(out, best.parent / "history.json", notes)
    else:
        (out / "MODEL_CARD.md").write_text(model_card(card, notes), encoding="utf-8")
    return card


def write_tagger_card(out: Path, history_json: Path, notes: str = "") -> Path:
    """(Re)write ``out/MODEL_CARD.md`` of a tagger model from its ``evaluation.json``, the training run's
    ``history.json`` (dev scores per epoch, the pretraining curve) and ``models/ner_cnn``'s evaluation."""
    card = json.loads((out / "evaluation.json").read_text(encoding="utf-8"))
    hist = json.loads(history_json.read_text(encoding="utf-8")) if history_json.exists() else {}
    previous = out.parent / "ner_cnn" / "evaluation.json"
    cnn = json.loads(previous.read_text(encoding="utf-8")) if previous.exists() else None
    meta_file = out / "welfare_tagger" / "tagger.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
    text = tagger_card(card, hist.get("history", []), cnn, notes, pretrain=hist.get("pretrain"), meta=meta,
                       specialise=hist.get("specialise"), contested=hist.get("contested"))
    (out / "MODEL_CARD.md").write_text(text, encoding="utf-8")
    return out / "MODEL_CARD.md"


def table(rep: dict) -> str:
    """A Markdown table of an ``evaluate`` report: P/R/F1 and gold count per label, then the micro average."""
    rows = ["| label | P | R | F1 | gold |", "|---|---|---|---|---|"]
    for lab, r in rep["per_label"].items():
        rows.append(f"| {lab} | {r['p']:.3f} | {r['r']:.3f} | {r['f']:.3f} | {r['tp'] + r['fn']} |")
    m = rep["micro"]
    rows.append(f"| **micro** | {m['p']:.3f} | {m['r']:.3f} | **{m['f']:.3f}** | {m['tp'] + m['fn']} |")
    return "\n".join(rows)


def model_card(card: dict, notes: str = "") -> str:
    """The card of a CNN model (``--arch cnn``)."""
    sp = card.get("throughput") or {}
    return f"""# welfare_nlp NER model (`models/ner`)

A spaCy NER pipeline (hash-embedding + static floret vectors, CNN encoder, transition-based NER) trained on
CPU for Persian news. Loaded by `welfare_nlp.load()` (component `welfare_ner`); it runs offline.

## Data and label set

Label set: PEYMA's `PER ORG LOC DAT TIM MON PCT`.

- PEYMA train (8,028 sentences) and its 600K part (17,450; sentences repeated in PEYMA train dropped):
  all seven labels.
- ARMAN fold-1 train (4,621) and ParsNER news train (5,261), in the `combined` variant: their PER, ORG and
  LOC kept; FAC, PRO, EVENT and MISC marked *missing* (neither taught as an entity nor as outside); tokens
  that could be money, dates, times or percentages (digits, month and weekday names, currency words) marked
  missing too, since those corpora do not annotate them.
- Vectors: floret (cbow, 100 dimensions, 50,000 hash buckets, subwords of 3-5 characters) trained on the
  12,083 raw news documents in `shared/data/news/` plus the training sentences, tokenised as the pipeline
  tokenises.

Every token is normalised with the pipeline's character map (Arabic ي/ك, digits) before training and use.

## Scores (exact spans, `welfare-nlp evaluate-ner`)

PEYMA dev, all labels:

{table(card['peyma_dev'])}

ARMAN dev, PER/ORG/LOC:

{table(card['arman_dev_per_org_loc'])}

## Size, load time, throughput

- Size on disk: {card['size_mb']} MB; `spacy.load` of the model: {card['load_s']} s in a fresh process
  (importing spaCy itself took another {card.get('import_spacy_s', 'n/a')} s there).
- Throughput (tokenizer + NER, one core, `benchmarks/ner_speed.py` on `shared/data/news/`):
  {sp.get('tokens_per_s', 'n/a')} tokens/s over {sp.get('tokens', 'n/a')} tokens.

## Rebuild

    {card['command'] or 'welfare-nlp train-ner --data ../shared/data --out models/ner'}

{notes}
"""


def tagger_card(card: dict, history: list[dict], cnn: dict | None = None, notes: str = "",
                pretrain: dict | None = None, meta: dict | None = None, specialise: dict | None = None,
                contested: dict | None = None) -> str:
    """The card of the BiLSTM-CRF tagger (``--arch tagger``): ``card`` is ``evaluation.json``, ``history``
    the run's dev scores per epoch, ``cnn`` the previous model's ``evaluation.json`` (for comparison),
    ``pretrain`` what ``tagger_train.pretrain_encoder`` returned (when the encoder was pretrained), ``meta``
    the component's ``tagger.json``, ``specialise`` head -> the passes of ``specialise_head``, ``contested``
    what ``--open-contested`` opened (spans, names)."""
    ev = card
    meta = meta or {}
    hh = meta.get("head_hidden", 0)
    head_kind = (f"a ReLU layer of {hh} units of its own, then a linear layer over BIO tags, and a CRF" if hh else
                 "a linear layer over BIO tags and a CRF")
    heads = [(h["name"], h["labels"]) for h in meta.get("heads", [])] or [(k, v[0]) for k, v in SCHEMES.items()]
    roles = {"peyma": ", the one the pipeline uses", "peyma_600k": ", PEYMA's labels as its 600K part uses them"}
    numerals = {2: "Two", 3: "Three", 4: "Four", 5: "Five"}
    n_heads = numerals.get(len(heads), str(len(heads)))
    heads_list = "\n".join(f"  - `{name}` ({' '.join(labels)}){roles.get(name, '')}{';' if i < len(heads) - 1 else '.'}"
                           for i, (name, labels) in enumerate(heads))
    if any(name == "peyma_600k" for name, _ in heads):
        peyma_data = ("- PEYMA train (7,703 sentences after normalisation and de-duplication) trains the `peyma` head, its\n"
                      "  600K part (17,100 sentences not repeated in PEYMA train) the `peyma_600k` head.")
    else:
        peyma_data = ("- PEYMA train (7,703 sentences after normalisation and de-duplication) and its 600K part (17,100 not repeated\n"
                      "  in PEYMA train) train the `peyma` head.")
    flags = set(ev.get("command", "").split())
    if "--open-600k-org" in flags:
        peyma_data += ("\n  Whether a 600K token is ORG or O is left open (`--open-600k-org`: partial labels, the other labels as\n"
                       "  annotated), since the 600K part does not follow PEYMA's ORG conventions (see below).")
    arman_data = "- ARMAN fold-1 train (4,615) trains the `arman` head."
    if "--open-contested" in flags:
        got = (f" ({contested['spans']:,} spans of {contested['names']} names)" if contested else "")
        arman_data += ("\n  Where the head's own BiLSTM is trained (`--specialise arman`, below), ARMAN's LOC spans of names it\n"
                       "  also annotates ORG (at least twice and in at least 20% of their LOC-or-ORG spans: countries, a few\n"
                       f"  provinces and cities) may be LOC or ORG{got}, its ORG spans stay ORG (`--open-contested`):\n"
                       "  its annotators moved from LOC to ORG for a state over the corpus (see below). The shared\n"
                       "  training sees ARMAN as annotated.")
    threads = re.findall(r"--threads[ =](\d+)", ev.get("command", ""))
    threads_text = (f" Tagging and specialising ran on {threads[-1]} torch thread{'s' if threads[-1] != '1' else ''}"
                    " (`--threads`): the result repeats bit for bit for a given number of threads, not across numbers."
                    if threads else "")
    over = re.findall(r"--oversample[ =](\w+)=(\d+)", ev.get("command", ""))
    seen = history[0].get("sentences") if history else None
    over_text = "".join(f" (each pass sees the `{h}` head's sentences {n} times" + (f", {seen:,} sentences in all)" if seen else ")")
                        for h, n in over)
    own = meta.get("specialised") or {}
    first = heads[0][0] if heads else "peyma"

    def pipeline_note(name: str) -> str:
        if name == first:
            return (f"so `{first}`, the pipeline's head, runs on this BiLSTM and the shared one feeds the heads without "
                    f"one of their own (one BiLSTM pass either way)")
        return f"so the pipeline's head `{first}` is not affected by it"

    spec_text = ""
    for name, rows in (specialise or {}).items():
        got = own.get(name, {})
        only = (" (corpus " + ", ".join(f"`{c}`" for c in got["corpora"]) + " only, `ner_train.SPECIALISE_ON`)"
                if got.get("corpora") else "")
        table_rows = "\n".join(f"| {r['epoch']} | {r['peyma']:.3f} | {r['arman']:.3f} | {r['arman_by_peyma_head']:.3f} "
                               f"| {r['seconds']:.0f} |" for r in rows)
        spec_text += (f"\nHead `{name}` has a BiLSTM of its own (`--specialise {name}`): after the 10 epochs, a copy of the\n"
                      f"shared BiLSTM was trained {got.get('epochs', len(rows))} more passes with that head on its "
                      f"{got.get('sentences', 0):,} sentences{only} alone (learning rate {got.get('lr', 0)}, the word inputs frozen and still\n"
                      f"shared, the weights averaged over the passes). The shared encoder and the other heads are untouched,\n"
                      f"{pipeline_note(name)}; a head with its own BiLSTM costs what any head costs.\n"
                      f"Dev scores after each pass (the averaged weights):\n\n"
                      f"| pass | PEYMA dev | ARMAN dev (`arman`) | ARMAN dev (`peyma`) | seconds |\n|---|---|---|---|---|\n"
                      f"{table_rows}\n")
    if pretrain and pretrain.get("reused"):
        reuse = ("\nThis run found the encoder pretrained with the same settings, data and vocabularies in\n"
                 "`build/ner/runs/tagger_combined/pretrain` and reused it (as it reuses `build/ner/vectors`); the pretraining\n"
                 "is seeded and gives the same weights again. From nothing, the command pretrains first (the minutes above).\n")
    else:
        reuse = ""
    peyma_f, arman_f = ev["peyma_dev"]["micro"]["f"], ev["arman_dev_per_org_loc"]["micro"]["f"]
    if pretrain:
        c = pretrain.get("curve") or []
        loss = f", loss {c[0]['loss']:.2f} after {c[0]['step']} batches, {c[-1]['loss']:.2f} at the end" if c else ""
        pre = (f"Before that, the encoder (word and character embeddings, character CNN, LSTM) was trained as a pair of\n"
               f"language models on the vectors corpus below (the raw news and the training sentences, cut into\n"
               f"sentences of at most 60 tokens): the forward LSTM's state predicts the next word, the backward one's\n"
               f"the previous word, each among the distinct words of its batch represented by their fixed floret\n"
               f"vectors (a sampled softmax). {pretrain['steps']:,} batches of 64 sentences, {pretrain['tokens']:,} tokens, "
               f"{pretrain['seconds'] / 60:.0f} minutes{loss}.\n")
    else:
        pre = "The encoder starts from random weights (no pretraining).\n"
    per = ev["peyma_dev"]["per_label"]
    weak = min(per, key=lambda k: per[k]["f"])
    weak_f, weak_n = per[weak]["f"], per[weak]["tp"] + per[weak]["fn"]
    limits = []
    if peyma_f < 0.82:
        limits.append(f"PEYMA dev micro-F1 ({peyma_f:.3f}) is below the 0.82 the project asked for.")
    if arman_f < 0.72:
        limits.append(f"ARMAN dev PER/ORG/LOC micro-F1 ({arman_f:.3f}) is below the 0.72 the project asked for.")
    target = ("- " + " ".join(limits) + " Published anchors:\n  Stanza on ARMAN (pretrained vectors + character "
              "language model) 80.1, multilingual BERT on PEYMA 86.6,\n  ParsBERT 93.1. Our vectors and language-model "
              "pretraining use 8 million words of news; the anchors were\n  pretrained on far larger corpora.\n"
              if limits else "")
    sp = ev.get("throughput") or {}
    w = sp.get("welfare_nlp") or {}
    curve = "\n".join(f"| {h['epoch']} | {h['averaged'] or ''} | {h['peyma']:.3f} | {h['arman']:.3f} | "
                      f"{h['arman_by_peyma_head']:.3f} | {h['seconds']:.0f} |" for h in history)
    cnn_row = (f"| `models/ner_cnn` | {cnn['peyma_dev']['micro']['f']:.3f} | "
               f"{cnn['arman_dev_per_org_loc']['micro']['f']:.3f} | |\n") if cnn else ""
    head, _, rest = ev["command"].partition(" ")
    command = f"{Path(head).name} {rest}".strip()   # the program without its install path
    return f"""# welfare_nlp NER model (`models/ner`)

A BiLSTM-CRF tagger (`welfare_nlp/ner/tagger.py`) saved as a spaCy pipeline: floret vectors in its vocab, one
component `welfare_tagger` that sets `doc.ents`. Trained with torch on CPU, predicts with numpy alone (no torch
needed to use it). Loaded by `welfare_nlp.load()` (stage `welfare_ner`); `spacy.load("models/ner")` also works
once welfare_nlp is installed (the `spacy_factories` entry point). Nothing is downloaded.

## Network

- Per token: its floret vector (100 dimensions, see below), a learned 64-dimension embedding of the word
  (24,770 words seen at least twice in training; digits folded to 0), a character CNN (32-dimension letter
  embeddings, 64 filters of width 3, max-pooled over the first 20 letters) and 7 gazetteer flags from the
  package's lexicons (given names, honorifics, title words, organisation words, places, months, function words).
- One bidirectional LSTM layer, 128 units each way, over a sentence (cut at `.`, `!`, `?`, `؟`, line breaks,
  and at 150 tokens).
- {n_heads} heads on the LSTM, one per annotation scheme; each is {head_kind} (Viterbi
  decoding, BIO-breaking moves forbidden):
{heads_list}

## Data and label sets

{peyma_data}
{arman_data}
- ParsNER news train (5,247) trains the `parsner` head.
- All 34,665 sentences train the shared encoder.

Why one head per scheme, measured: ARMAN calls a country acting as a state an ORG (`آمریکا`, `ایران`,
`روسیه`: 91 of ARMAN train's 283 `ایران` are ORG), while PEYMA files 591 of its 593 `ایران` under LOC.
With one PEYMA-scheme head, 72 spans of ARMAN dev, nearly all country names, were predicted LOC against gold ORG.
A single head trained on all corpora (ARMAN's FAC/EVENT/PRO and ParsNER's MISC marked unknown, quantity-like
tokens of those corpora allowed to be O or a quantity label) reached PEYMA dev 0.787 and ARMAN dev 0.663 at
epoch 7 (run `build/tagger/run1`); see the curve below for the heads.

Training maximises the CRF likelihood of the tag sequences the corpus allows (unknown labels allow every tag),
Adam (learning rate 0.002, decayed by 1/(1 + 0.05 (epoch - 1))), dropout 0.33, word dropout 0.05, batches of
32 sentences of similar length, 10 passes{over_text}. The weights kept are the average of those after epochs 5 to 10
(the dev files are reported after each epoch, never used to pick one).{threads_text}

{pre}{reuse}{spec_text}
Vectors: floret (cbow, 100 dimensions, 50,000 hash buckets, subwords of 3-5 characters) trained on the 12,083
raw news documents in `shared/data/news/` plus the training sentences, tokenised as the pipeline tokenises
(the same vectors as `models/ner_cnn`).

Every token is normalised with the pipeline's character map (Arabic ي/ك, digits) before training and use.

## Scores (exact spans, `welfare-nlp evaluate-ner`)

PEYMA dev, all labels (head `peyma`):

{table(ev['peyma_dev'])}

ARMAN dev, PER/ORG/LOC, head `arman` (what `evaluate-ner` picks for a file with ARMAN's labels):

{table(ev['arman_dev_per_org_loc'])}

ARMAN dev, PER/ORG/LOC, head `peyma` (the pipeline's head; `--scheme peyma`):

{table(ev['arman_dev_per_org_loc_peyma_head'])}

Against the previous model (`models/ner_cnn`, spaCy CNN + transition-based NER, same vectors and labels):

| | PEYMA dev | ARMAN dev PER/ORG/LOC | target |
|---|---|---|---|
{cnn_row}| `models/ner`, head `peyma` | **{peyma_f:.3f}** | {ev['arman_dev_per_org_loc_peyma_head']['micro']['f']:.3f} | PEYMA >= 0.82 |
| `models/ner`, head `arman` | | **{arman_f:.3f}** | ARMAN >= 0.72 |

Dev scores after each epoch of the shipped run (`averaged`: how many epochs' weights are averaged; seconds per
epoch with other work sharing the 2 cores at times). The curve tags whole CoNLL sentences; `evaluate-ner` runs the
component, which also cuts at `.` `!` `?` inside a sentence, so the last row can differ a little from the scores above:

| epoch | averaged | PEYMA dev | ARMAN dev (`arman`) | ARMAN dev (`peyma`) | seconds |
|---|---|---|---|---|---|
{curve}

## Size, load time, throughput

- Size on disk: {ev['size_mb']} MB (20 MB of it the floret table); `spacy.load` of the model: {ev['load_s']} s in a fresh
  process (importing spaCy itself took another {ev.get('import_spacy_s', 'n/a')} s there).
- Throughput (tokenizer + NER, one core, `benchmarks/ner_speed.py`, {sp.get('tokens', 0):,} tokens of news):
  **{w.get('tokens_per_s', 0):,} tokens/s as welfare_nlp runs it**, {sp.get('tokens_per_s', 0):,} tokens/s through spaCy's
  `nlp.pipe`.
{notes}
## Rebuild

    {command}

(floret vectors are trained first when `build/ner/vectors` is absent: about 4 minutes more.)

## Limits

{target}- {weak} is the weakest label on PEYMA dev (F1 {weak_f:.3f} over {weak_n} spans).
- A sentence longer than 150 tokens is cut, which can split an entity at the cut.
- floret was trained with 2 threads, which is not bit-for-bit repeatable; the tagger's training and pretraining
  are seeded (seed 0): repeated with the same command, the 10 epochs gave the same dev scores epoch by epoch
  and the same weights bit for bit.
"""

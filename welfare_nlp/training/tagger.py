"""Training the BiLSTM-CRF tagger of ``welfare_nlp.ner.tagger`` with torch (CPU), from CoNLL corpora whose
tags may be partly unknown.

A token's gold tag is a set of allowed tags: one tag where the corpus annotates it, every tag where
the corpus does not know (labels outside our set), and O or a quantity label where a corpus that does
not annotate quantities says O about a token that could be one. The CRF is trained to maximise the
probability of all tag sequences that stay inside the allowed sets (the partial-label likelihood:
log Z over all sequences minus log Z over the allowed ones).

Before that, ``pretrain_encoder`` can train the encoder (embeddings, character CNN, BiLSTM) as a pair of
language models on unlabelled news; ``train_tagger(pretrained=...)`` starts from those weights.

After training, ``specialise_head`` can give one head a BiLSTM of its own, a copy of the shared one trained
further on that head's corpora alone, or some of them (the shipped model's ``arman`` and ``peyma`` heads).

Options measured and left off in the shipped run (see the model card): partial labels for the other
corpora's heads (``cross_allowed``), oversampling a head's corpora, the language models as a second task
during tagging (``lm_weight``), a hidden layer in each head (``head_hidden``).

The trained weights are written as ``tagger.npz`` + ``tagger.json`` and read back by numpy alone.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from welfare_nlp.training.conll import MISSING, map_labels, norm_token, read_conll, spans
from welfare_nlp.training.evaluate import score_spans
from welfare_nlp.ner.tagger import (GAZETTEERS, WORD_CHARS, NEG, PAD, UNK, Featurizer, Tagger, allowed_moves, gazetteer_features, tag_names,
                     word_key)


def _log(msg: str) -> None:
    print(f"[train-ner {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def allowed_sets(tags: list[str], words: list[str], labels: list[str], missing_if=None,
                 quantity_labels=("DAT", "TIM", "MON", "PCT")) -> np.ndarray:
    """(T, K) bool: the tags each token may have under the corpus's (mapped) annotation."""
    names = tag_names(labels)
    index = {n: i for i, n in enumerate(names)}
    k = len(names)
    quantity = np.zeros(k, dtype=bool)
    quantity[0] = True
    for lab in quantity_labels:
        if lab in labels:
            quantity[index[f"B-{lab}"]] = quantity[index[f"I-{lab}"]] = True
    out = np.zeros((len(tags), k), dtype=bool)
    for i, (t, w) in enumerate(zip(tags, words)):
        if t == MISSING:
            out[i] = True
        elif t == "O" and missing_if is not None and missing_if(w):
            out[i] = quantity
        elif t in index:
            out[i, index[t]] = True
        else:
            out[i] = True
    return out


def cross_allowed(gold: set, n: int, labels: list[str], type_map: dict[str, tuple[str, ...]],
                  outside: tuple[str, ...]) -> np.ndarray:
    """(n, K) bool: the tags of another head's label set (``labels``) that a sentence annotated under one
    corpus's conventions may have. ``gold``: the sentence's (start, end, label) spans; ``type_map``: source
    label -> the target labels its span may carry (a label missing from the map: anything goes there);
    ``outside``: the target labels a token outside every source span may still be part of. The span's
    boundaries are kept: its first token takes B- of a mapped label, the rest I-."""
    names = tag_names(labels)
    index = {t: i for i, t in enumerate(names)}
    k = len(names)
    out = np.zeros((n, k), dtype=bool)
    out[:, 0] = True
    for lab in outside:
        out[:, index[f"B-{lab}"]] = out[:, index[f"I-{lab}"]] = True
    for s, e, lab in gold:
        targets = type_map.get(lab)
        if targets is None:
            out[s:e] = True
        if not targets:      # unmapped: anything; mapped to no label: what an unlabelled token may be
            continue
        out[s:e] = False
        for t in targets:
            out[s, index[f"B-{t}"]] = True
            out[s + 1:e, index[f"I-{t}"]] = True
    return out


class Example:
    __slots__ = ("words", "allowed", "gold", "scheme", "also", "corpus")

    def __init__(self, words, allowed, gold=None, scheme: str = "peyma", also=(), corpus: str = ""):
        self.words, self.allowed, self.gold, self.scheme = words, allowed, gold, scheme
        self.also = list(also)   # (scheme, allowed) pairs: partial labels for other heads
        self.corpus = corpus     # the corpus it comes from (``welfare_nlp.training.ner.CORPORA`` name), where known


def load_corpus(path: Path, mapping: dict, labels: list[str], missing_if=None, scheme: str = "peyma",
                corpus: str = "") -> list[Example]:
    out = []
    for sent in read_conll(path):
        words = [norm_token(t) for t in sent.tokens]
        tags = map_labels(sent, mapping)
        out.append(Example(words, allowed_sets(tags, words, labels, missing_if), set(spans(sent.tags)), scheme,
                           corpus=corpus))
    return out


def build_vocab(examples: list[Example], min_count: int = 2, max_words: int = 40000) -> tuple[list[str], list[str]]:
    wc = Counter(word_key(w) for ex in examples for w in ex.words)
    cc = Counter(c for ex in examples for w in ex.words for c in w[:WORD_CHARS])
    words = ["<pad>", "<unk>"] + [w for w, n in wc.most_common(max_words) if n >= min_count]
    chars = ["<pad>", "<unk>"] + [c for c, n in cc.most_common() if n >= 2]
    return words, chars


def make_net(n_words: int, n_chars: int, schemes: dict[str, list[str]], vec_dim: int, word_dim: int, char_dim: int,
             char_filters: int, hidden: int, dropout: float, n_gaz: int = 0, head_hidden: int = 0):
    import torch  # heavy and optional (the train extra): only training runs torch
    from torch import nn  # heavy and optional (the train extra), as torch

    class Head(nn.Module):
        def __init__(self, n_labels: int):
            super().__init__()
            n_tags = 1 + 2 * n_labels
            # head_hidden > 0: a ReLU layer of the head's own between the shared encoder and the tag scores
            self.mid = nn.Linear(2 * hidden, head_hidden) if head_hidden else None
            self.out = nn.Linear(head_hidden or 2 * hidden, n_tags)
            self.crf_start = nn.Parameter(torch.zeros(n_tags))
            self.crf_end = nn.Parameter(torch.zeros(n_tags))
            self.crf_trans = nn.Parameter(torch.zeros(n_tags, n_tags))
            s, t = allowed_moves(n_labels)
            self.register_buffer("start_mask", torch.from_numpy(s))
            self.register_buffer("trans_mask", torch.from_numpy(t))

        def emit(self, h):
            """Tag scores (..., n_tags) from the encoder's output."""
            return self.out(h if self.mid is None else torch.relu(self.mid(h)))

        def log_z(self, em, mask):
            start = self.crf_start + self.start_mask
            trans = self.crf_trans + self.trans_mask
            alpha = start + em[:, 0]
            for i in range(1, em.shape[1]):
                nxt = torch.logsumexp(alpha.unsqueeze(2) + trans.unsqueeze(0), 1) + em[:, i]
                alpha = torch.where(mask[:, i:i + 1], nxt, alpha)
            return torch.logsumexp(alpha + self.crf_end, 1)

        def loss(self, em, mask, allowed):
            """Partial-label CRF loss: log Z over every tag sequence minus log Z over the allowed ones."""
            both = self.log_z(torch.cat([em, em.masked_fill(~allowed, NEG)]), torch.cat([mask, mask]))
            return (both[:len(em)] - both[len(em):]).sum()

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.wemb = nn.Embedding(n_words, word_dim, padding_idx=PAD)
            self.cemb = nn.Embedding(n_chars, char_dim, padding_idx=PAD)
            self.conv = nn.Conv1d(char_dim, char_filters, 3, padding=1)
            self.lstm = nn.LSTM(vec_dim + word_dim + char_filters + n_gaz, hidden, batch_first=True, bidirectional=True)
            self.heads = nn.ModuleDict({name: Head(len(labels)) for name, labels in schemes.items()})
            self.drop = nn.Dropout(dropout)

        def forward(self, vecs, word_ids, char_ids, lengths, gaz=None):
            """The BiLSTM's output (B, T, 2H), dropout applied (in training)."""
            b, t, c = char_ids.shape
            ch = self.cemb(char_ids.view(b * t, c)).transpose(1, 2)          # (BT, E, C)
            conv = self.conv(ch)                                              # (BT, F, C)
            clen = (char_ids.view(b * t, c) != PAD).sum(1).clamp(min=1)
            valid = torch.arange(c)[None, :] < clen[:, None]
            conv = conv.masked_fill(~valid[:, None, :], float("-inf")).max(2).values.view(b, t, -1)
            x = torch.cat([vecs, self.wemb(word_ids), conv] + ([gaz] if gaz is not None else []), 2)
            x = self.drop(x)
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            h, _ = self.lstm(packed)
            h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=t)
            return self.drop(h)

        def emissions(self, h, scheme: str):
            return self.heads[scheme].emit(h)

        def loss(self, h, mask, by_scheme):
            """The summed partial-label CRF loss of a batch whose sentences belong to several heads: every
            head's tags padded to the widest head's (padding tags score NEG), so one forward-algorithm loop
            serves all heads and both partition functions (the same value as each head's own ``loss``)."""
            k = max(len(self.heads[s].crf_end) for s in by_scheme)
            ems, masks, starts, transs, ends = [], [], [], [], []
            for scheme, (idx, allowed) in by_scheme.items():
                head = self.heads[scheme]
                em = head.emit(h[idx])
                n, pad = len(em), k - em.shape[2]
                em = torch.cat([em, em.masked_fill(~allowed, NEG)])
                ems.append(nn.functional.pad(em, (0, pad), value=NEG))
                masks.append(torch.cat([mask[idx], mask[idx]]))
                starts.append(nn.functional.pad(head.crf_start + head.start_mask, (0, pad)).expand(2 * n, k))
                transs.append(nn.functional.pad(head.crf_trans + head.trans_mask, (0, pad, 0, pad)).expand(2 * n, k, k))
                ends.append(nn.functional.pad(head.crf_end, (0, pad)).expand(2 * n, k))
            em, m, start, trans, end = (torch.cat(x) for x in (ems, masks, starts, transs, ends))
            alpha = start + em[:, 0]
            for i in range(1, em.shape[1]):
                nxt = torch.logsumexp(alpha.unsqueeze(2) + trans, 1) + em[:, i]
                alpha = torch.where(m[:, i:i + 1], nxt, alpha)
            z = torch.logsumexp(alpha + end, 1)
            sign = torch.cat([torch.tensor([1.0] * (len(x) // 2) + [-1.0] * (len(x) // 2)) for x in ems])
            return (z * sign).sum()

    return Net()


def _tensors(batch: list[Example], feats: Featurizer, vec_cache: dict, word_dropout: float, rng: random.Random,
             gaz_names=(), with_allowed: bool = True):
    import torch  # heavy and optional (the train extra): only training runs torch

    t = max(len(ex.words) for ex in batch)
    b = len(batch)
    vecs = np.zeros((b, t, next(iter(vec_cache.values())).shape[0]), dtype="float32")
    wids = np.zeros((b, t), dtype=np.int64)
    cids = np.zeros((b, t, WORD_CHARS), dtype=np.int64)
    mask = np.zeros((b, t), dtype=bool)
    gaz = np.zeros((b, t, len(gaz_names)), dtype="float32")
    for i, ex in enumerate(batch):
        n = len(ex.words)
        vecs[i, :n] = [vec_cache[w] for w in ex.words]
        ids = feats.word_ids(ex.words)
        if word_dropout:
            drop = np.array([rng.random() < word_dropout for _ in range(n)])
            ids[drop] = UNK
        wids[i, :n] = ids
        cids[i, :n] = feats.char_ids(ex.words)
        mask[i, :n] = True
        if gaz_names:
            gaz[i, :n] = gazetteer_features(ex.words, gaz_names)
    by_scheme = {}
    targets = {}
    for i, ex in enumerate(batch) if with_allowed else ():
        for scheme, allowed in [(ex.scheme, ex.allowed), *ex.also]:
            targets.setdefault(scheme, []).append((i, allowed))
    for scheme in sorted(targets):
        rows = targets[scheme]
        allowed = np.ones((len(rows), t, rows[0][1].shape[1]), dtype=bool)
        for j, (i, a) in enumerate(rows):
            allowed[j, :len(a)] = a
        by_scheme[scheme] = (torch.tensor([i for i, _ in rows]), torch.from_numpy(allowed))
    lengths = torch.tensor([len(ex.words) for ex in batch])
    return (torch.from_numpy(vecs), torch.from_numpy(wids), torch.from_numpy(cids), lengths,
            torch.from_numpy(mask), by_scheme, torch.from_numpy(gaz) if gaz_names else None)


_LSTM_KEYS = {"lstm_wih_f": "weight_ih_l0", "lstm_whh_f": "weight_hh_l0", "lstm_b_f": "bias_ih_l0",
              "lstm_wih_b": "weight_ih_l0_reverse", "lstm_whh_b": "weight_hh_l0_reverse",
              "lstm_b_b": "bias_ih_l0_reverse"}
_HEAD_KEYS = {"out_w": "out.weight", "out_b": "out.bias", "crf_start": "crf_start", "crf_end": "crf_end",
              "crf_trans": "crf_trans", "mid_w": "mid.weight", "mid_b": "mid.bias"}


def _lstm_and_heads(sd: dict, heads, lstm_suffix: str = "") -> dict:
    """The BiLSTM (its two biases summed, its names ending in ``lstm_suffix``) and the given heads of a
    state dict of numpy arrays, named as ``tagger.npz`` names them."""
    arrays = {}
    for key, name in _LSTM_KEYS.items():
        value = sd[f"lstm.{name}"]
        if key.startswith("lstm_b"):
            value = value + sd[f"lstm.{name.replace('_ih_', '_hh_')}"]
        arrays[key + lstm_suffix] = value
    for head in heads:
        for key, name in _HEAD_KEYS.items():
            if f"heads.{head}.{name}" in sd:
                arrays[f"{key}_{head}"] = sd[f"heads.{head}.{name}"]
    return arrays


def export(net, out: Path, meta: dict) -> None:
    """The weights as plain float32 arrays in an npz, the rest as JSON."""
    sd = {k: v.detach().cpu().numpy().astype("float32") for k, v in net.state_dict().items()}
    arrays = {"wemb": sd["wemb.weight"], "cemb": sd["cemb.weight"], "conv_w": sd["conv.weight"],
              "conv_b": sd["conv.bias"]}
    arrays.update(_lstm_and_heads(sd, [h["name"] for h in meta["heads"]]))
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / "tagger.npz", **arrays)
    (out / "tagger.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def evaluate_devs(tagger, devs: dict) -> dict:
    """Micro F1 of each dev set: name -> (examples, labels scored or None, scheme)."""
    row = {}
    for name, (exs, labs, scheme) in devs.items():
        pred = []
        for i in range(0, len(exs), 64):
            pred.extend(set(s) for s in tagger.spans([ex.words for ex in exs[i:i + 64]], scheme))
        row[name] = score_spans([ex.gold for ex in exs], pred, labs)["micro"]["f"]
    return row


def train_tagger(train: list[Example], devs: dict, vectors, schemes: dict[str, list[str]], out: Path,
                 epochs: int = 10, batch_size: int = 32, lr: float = 2e-3, lr_decay: float = 0.05,
                 hidden: int = 128, word_dim: int = 64,
                 char_dim: int = 32, char_filters: int = 64, dropout: float = 0.33, word_dropout: float = 0.05,
                 seed: int = 0, threads: int = 2, max_len: int = 200, gazetteers: tuple[str, ...] = GAZETTEERS,
                 average_from: int = 0, pretrained: Path | None = None, oversample: dict | None = None,
                 lm_weight: float = 0.0, head_hidden: int = 0) -> dict:
    """Train (the encoder initialised from ``pretrained``, a ``pretrain_encoder`` output, when given);
    write the weights after each epoch to ``out`` (``schemes``: head name -> labels, the first is
    the default). From epoch ``average_from`` on (0: never) the written weights are the running average
    of the weights at the end of each epoch since then. ``oversample``: head -> how many times its
    sentences are seen per epoch; ``lm_weight``: the language models of the pretraining go on as a second
    task, their loss (``lm_loss``) weighted by it; ``head_hidden``: each head gets a ReLU layer of that
    width of its own over the shared encoder (0: a linear head). One forward-algorithm loop per batch serves every head
    (``Net.loss``)."""
    import torch  # heavy and optional (the train extra): only training runs torch

    oversample = oversample or {}
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    rng = random.Random(seed)
    words, chars = build_vocab(train)
    feats = Featurizer(words, chars, vectors)
    every = sorted({w for ex in train for w in ex.words} | {w for d in devs.values() for ex in d[0] for w in ex.words})
    _log(f"{len(train)} training sentences, {len(words)} words, {len(chars)} characters, {len(every)} types")
    vec_cache = dict(zip(every, feats.static(every)))
    net = make_net(len(words), len(chars), schemes, vectors.shape[1], word_dim, char_dim, char_filters, hidden,
                   dropout, len(gazetteers), head_hidden)
    if pretrained is not None:
        saved = torch.load(Path(pretrained) / "encoder.pt", weights_only=True)
        if saved["words"] != words or saved["chars"] != chars:
            raise ValueError(f"{pretrained}: the pretrained encoder was built on other vocabularies; pretrain it "
                             "again from the same training corpora")
        missing, unexpected = net.load_state_dict(saved["state"], strict=False)
        if unexpected or any(not k.startswith("heads.") for k in missing):
            raise ValueError(f"{pretrained}: encoder weights do not fit this network ({missing or unexpected})")
        _log(f"encoder initialised from {pretrained}")
    groups = [{"params": list(net.parameters())}]
    proj = None
    if lm_weight:     # the language models go on as a second task (their output maps from the pretraining)
        proj = lm_proj(hidden, vectors.shape[1])
        if pretrained is not None and "proj" in saved:
            proj.load_state_dict(saved["proj"])
        groups.append({"params": list(proj.parameters())})
    opt = torch.optim.Adam(groups, lr=lr)
    meta = {"heads": [{"name": k, "labels": v} for k, v in schemes.items()], "words": words, "chars": chars,
            "hidden": hidden, "word_dim": word_dim, "char_dim": char_dim, "char_filters": char_filters,
            "gazetteers": list(gazetteers), "head_hidden": head_hidden}
    train = [ex for ex in train if 0 < len(ex.words) <= max_len]
    history, averaged, n_avg = [], None, 0
    for epoch in range(1, epochs + 1):
        net.train()
        order = sorted([ex for ex in train for _ in range(oversample.get(ex.scheme, 1))],
                       key=lambda ex: (len(ex.words), rng.random()))
        batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
        rng.shuffle(batches)
        t0, total = time.time(), 0.0
        for g in opt.param_groups:
            g["lr"] = lr / (1 + lr_decay * (epoch - 1))
        for batch in batches:
            vecs, wids, cids, lengths, mask, by_scheme, gaz = _tensors(batch, feats, vec_cache, word_dropout, rng,
                                                                       gazetteers)
            h = net(vecs, wids, cids, lengths, gaz)
            loss = net.loss(h, mask, by_scheme) / len(batch)
            if proj is not None:
                loss = loss + lm_weight * lm_loss(h, [ex.words for ex in batch], vec_cache, proj, hidden)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            opt.step()
            total += float(loss.detach()) * len(batch)
        state = {k: v.detach().clone() for k, v in net.state_dict().items()}
        if average_from and epoch >= average_from:
            n_avg += 1
            averaged = state if averaged is None else {k: averaged[k] + (state[k] - averaged[k]) / n_avg for k in state}
            live = net.state_dict()
            net.load_state_dict(averaged)
            export(net, out, meta)
            net.load_state_dict(state)
            del live
        else:
            export(net, out, meta)
        tagger = Tagger(out, _DictVectors(vec_cache))
        row = {"epoch": epoch, "sentences": len(order), "loss": round(total / len(order), 4),
               "seconds": round(time.time() - t0, 1),
               "averaged": n_avg}
        row.update(evaluate_devs(tagger, devs))
        history.append(row)
        _log(json.dumps(row))
    settings = {"lr": lr, "lr_decay": lr_decay, "dropout": dropout, "word_dropout": word_dropout,
                "batch_size": batch_size, "max_len": max_len,
                "min_word_count": inspect.signature(build_vocab).parameters["min_count"].default}
    return {"history": history, "settings": settings}


class _DictVectors:
    def __init__(self, table: dict):
        self.table = table
        self.shape = (len(table), len(next(iter(table.values()))))

    def get_batch(self, words):
        return np.stack([self.table[w] for w in words])


# ---------------------------------------------------------------------------------------------------------
# Pretraining the encoder on raw news as a language model
# ---------------------------------------------------------------------------------------------------------

_STOPS = {".", "!", "?", "؟"}


def lm_sentences(path: Path, max_len: int = 60, min_len: int = 5) -> list[list[str]]:
    """Sentences of the vectors corpus (one tokenised paragraph per line): split after . ! ? ؟ and cut
    into pieces of at most ``max_len`` tokens; pieces shorter than ``min_len`` are dropped."""
    out: list[list[str]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            cur: list[str] = []
            for w in line.split():
                cur.append(w)
                if w in _STOPS or len(cur) == max_len:
                    if len(cur) >= min_len:
                        out.append(cur)
                    cur = []
            if len(cur) >= min_len:
                out.append(cur)
    return out


def lm_proj(hidden: int, vec_dim: int):
    """The language models' output maps: LSTM state (one direction) -> the static vectors' space."""
    from torch import nn  # heavy and optional (the train extra), as torch

    return nn.ModuleDict({"fwd": nn.Linear(hidden, vec_dim), "bwd": nn.Linear(hidden, vec_dim)})


def lm_loss(h, sents: list[list[str]], vec_cache: dict, proj, hidden: int):
    """Mean of the forward and backward language models' losses on a batch: the forward LSTM's state at a
    word predicts the next word, the backward LSTM's the previous one, each among the distinct words of the
    batch (represented by their normalised static vectors)."""
    import torch  # heavy and optional (the train extra): only training runs torch
    from torch import nn  # heavy and optional (the train extra), as torch

    vocab = sorted({w for s in sents for w in s})
    index = {w: i for i, w in enumerate(vocab)}
    table = torch.from_numpy(np.stack([vec_cache[w] for w in vocab]))
    table = table / table.norm(dim=1, keepdim=True).clamp(min=1e-6)
    target = torch.full(h.shape[:2], -100, dtype=torch.long)
    for i, s in enumerate(sents):
        target[i, :len(s)] = torch.tensor([index[w] for w in s])
    fwd = proj["fwd"](h[:, :-1, :hidden]) @ table.T        # state at t predicts word t+1
    bwd = proj["bwd"](h[:, 1:, hidden:]) @ table.T          # state at t+1 predicts word t
    return (nn.functional.cross_entropy(fwd.reshape(-1, len(vocab)), target[:, 1:].reshape(-1))
            + nn.functional.cross_entropy(bwd.reshape(-1, len(vocab)), target[:, :-1].reshape(-1))) / 2


def pretrain_encoder(sentences: list[list[str]], words: list[str], chars: list[str], vectors, out: Path,
                     schemes: dict[str, list[str]], steps: int = 5000, batch_size: int = 64, lr: float = 2e-3,
                     hidden: int = 128, word_dim: int = 64, char_dim: int = 32, char_filters: int = 64,
                     dropout: float = 0.2, word_dropout: float = 0.05, seed: int = 0, threads: int = 2,
                     gazetteers: tuple[str, ...] = GAZETTEERS, log_every: int = 200) -> dict:
    """Train the tagger's encoder (word and character embeddings, character CNN, BiLSTM) as a pair of
    language models on unlabelled sentences: the forward LSTM's state at each word predicts the next word,
    the backward LSTM's state the previous one. A word is predicted among the distinct words of its batch,
    each represented by its (fixed, normalised) floret vector, from a linear map of the LSTM state (a
    sampled softmax whose output embeddings are the static vectors). Runs ``steps`` batches of sentences
    of similar length, in a seeded order (a new one for each pass); writes the encoder's weights to ``out``
    (``encoder.pt``) and returns the loss curve."""
    import torch  # heavy and optional (the train extra): only training runs torch
    from torch import nn  # heavy and optional (the train extra), as torch

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    rng = random.Random(seed)
    feats = Featurizer(words, chars, vectors)
    net = make_net(len(words), len(chars), schemes, vectors.shape[1], word_dim, char_dim, char_filters, hidden,
                   dropout, len(gazetteers))
    proj = lm_proj(hidden, vectors.shape[1])
    params = [p for n, p in net.named_parameters() if not n.startswith("heads.")] + list(proj.parameters())
    opt = torch.optim.Adam(params, lr=lr)

    def batches():   # passes over the sentences, each in a new order (batches of similar lengths)
        while True:
            order = sorted(sentences, key=lambda s: (len(s), rng.random()))
            chunks = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
            rng.shuffle(chunks)
            yield from chunks

    vec_cache: dict[str, np.ndarray] = {}
    curve, t0, done, run_loss = [], time.time(), 0, 0.0
    net.train()
    for step, sents in enumerate(batches(), 1):
        new = sorted({w for s in sents for w in s if w not in vec_cache})
        if new:
            vec_cache.update(zip(new, feats.static(new)))
        batch = [Example(s, None) for s in sents]
        vecs, wids, cids, lengths, mask, _, gaz = _tensors(batch, feats, vec_cache, word_dropout, rng, gazetteers,
                                                           with_allowed=False)
        h = net(vecs, wids, cids, lengths, gaz)
        loss = lm_loss(h, sents, vec_cache, proj, hidden)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        opt.step()
        run_loss += float(loss.detach())
        done += int(lengths.sum())
        if step % log_every == 0:
            curve.append({"step": step, "tokens": done, "loss": round(run_loss / log_every, 4),
                          "seconds": round(time.time() - t0, 1)})
            _log(f"pretrain {json.dumps(curve[-1])}")
            run_loss = 0.0
        if step >= steps:
            break
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v for k, v in net.state_dict().items() if not k.startswith("heads.")}
    torch.save({"state": state, "words": words, "chars": chars, "proj": proj.state_dict()}, out / "encoder.pt")
    result = {"steps": step, "tokens": done, "sentences": len(sentences), "curve": curve,
              "seconds": round(time.time() - t0, 1)}
    settings = pretrain_settings(sentences, steps=steps, batch_size=batch_size, lr=lr, hidden=hidden,
                                 word_dim=word_dim, char_dim=char_dim, char_filters=char_filters, dropout=dropout,
                                 word_dropout=word_dropout, seed=seed, threads=threads, gazetteers=gazetteers)
    (out / "pretrain.json").write_text(json.dumps({"settings": settings, "result": result}), encoding="utf-8")
    return result


def pretrain_settings(sentences: list[list[str]], **given) -> dict:
    """Every setting of a ``pretrain_encoder`` run (its defaults, overridden by ``given``), with the number
    and a digest of its sentences."""
    out = {k: p.default for k, p in inspect.signature(pretrain_encoder).parameters.items()
           if p.default is not inspect.Parameter.empty and k != "log_every"}
    out.update(given)
    out["gazetteers"] = list(out["gazetteers"])
    digest = hashlib.sha1()
    for sent in sentences:
        digest.update(" ".join(sent).encode("utf-8", "surrogatepass") + b"\n")
    out["sentences"] = len(sentences)
    out["sentences_sha1"] = digest.hexdigest()
    return out


def pretrained_as_asked(out: Path, words: list[str], chars: list[str], settings: dict) -> dict | None:
    """The result of an earlier ``pretrain_encoder`` run in ``out`` made with the same ``settings``
    (``pretrain_settings``: the same sentences too) and vocabularies, else None: the pretraining is seeded and comes out the same,
    so ``train-ner`` reuses it, as it reuses the floret vectors."""
    import torch  # heavy and optional (the train extra): only training runs torch

    try:
        saved = json.loads((Path(out) / "pretrain.json").read_text(encoding="utf-8"))
        enc = torch.load(Path(out) / "encoder.pt", weights_only=True)
    except (OSError, ValueError, RuntimeError, KeyError):
        return None
    if saved.get("settings") != settings or enc["words"] != words or enc["chars"] != chars:
        return None
    return saved["result"]


def net_from_export(meta: dict, arrays: dict, vec_dim: int, dropout: float = 0.0, lstm_of: str | None = None):
    """The torch network of an exported tagger (``tagger.json`` + ``tagger.npz`` as read), its BiLSTM the
    one of head ``lstm_of`` where that head has one of its own, else the shared one."""
    import torch  # heavy and optional (the train extra): only training runs torch

    schemes = {h["name"]: h["labels"] for h in meta["heads"]}
    own = f"_{lstm_of}" if lstm_of and f"lstm_wih_f_{lstm_of}" in arrays else ""
    net = make_net(len(meta["words"]), len(meta["chars"]), schemes, vec_dim, meta["word_dim"], meta["char_dim"],
                   meta["char_filters"], meta["hidden"], dropout, len(meta.get("gazetteers", [])),
                   meta.get("head_hidden", 0))
    state = {"wemb.weight": arrays["wemb"], "cemb.weight": arrays["cemb"], "conv.weight": arrays["conv_w"],
             "conv.bias": arrays["conv_b"]}
    for key, name in _LSTM_KEYS.items():
        state[f"lstm.{name}"] = arrays[key + own]
        if key.startswith("lstm_b"):       # the export keeps the two biases summed
            state[f"lstm.{name.replace('_ih_', '_hh_')}"] = np.zeros_like(arrays[key + own])
    for scheme in schemes:
        for key, name in _HEAD_KEYS.items():
            if f"{key}_{scheme}" in arrays:
                state[f"heads.{scheme}.{name}"] = arrays[f"{key}_{scheme}"]
    missing, unexpected = net.load_state_dict({k: torch.from_numpy(np.asarray(v, dtype="float32"))
                                               for k, v in state.items()}, strict=False)
    if unexpected or any(not k.endswith("_mask") for k in missing):
        raise ValueError(f"the exported weights do not fit the network ({missing or unexpected})")
    return net


def specialise_head(path: Path, scheme: str, train: list[Example], vectors, devs: dict | None = None,
                    epochs: int = 3, lr: float = 5e-4, dropout: float = 0.33, word_dropout: float = 0.05,
                    batch_size: int = 32, seed: int = 0, threads: int = 2, max_len: int = 200,
                    corpora: tuple[str, ...] | None = None) -> list[dict]:
    """Give head ``scheme`` a BiLSTM of its own (``train-ner --specialise``): a copy of the finished shared
    BiLSTM, trained further with the head on that head's corpora alone (the word inputs, embeddings and
    character CNN frozen and still shared), its weights averaged over the ``epochs`` passes. The shared
    encoder and the other heads are untouched, so a pipeline on another head runs exactly as before, and a
    head with a BiLSTM of its own costs what any head costs (one BiLSTM pass). ``corpora``: only the head's
    sentences from these corpora (``Example.corpus``; None: all of them). Rewrites ``tagger.npz``;
    returns one row per pass with the dev scores (``devs`` as in ``evaluate_devs``)."""
    import torch  # heavy and optional (the train extra): only training runs torch

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    rng = random.Random(seed)
    path = Path(path)
    meta = json.loads((path / "tagger.json").read_text(encoding="utf-8"))
    with np.load(path / "tagger.npz", allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    schemes = {h["name"]: h["labels"] for h in meta["heads"]}
    if scheme not in schemes:
        raise ValueError(f"specialise: no head named {scheme!r}; the heads are {list(schemes)}")
    net = net_from_export(meta, arrays, vectors.shape[1], dropout, lstm_of=scheme)
    for module in (net.wemb, net.cemb, net.conv):
        module.requires_grad_(False)
    params = list(net.lstm.parameters()) + list(net.heads[scheme].parameters())
    opt = torch.optim.Adam(params, lr=lr)
    mine = [ex for ex in train if ex.scheme == scheme and 0 < len(ex.words) <= max_len
            and (corpora is None or ex.corpus in corpora)]
    gaz_names = tuple(meta.get("gazetteers", []))
    feats = Featurizer(meta["words"], meta["chars"], vectors)
    every = sorted({w for ex in mine for w in ex.words} | {w for d in (devs or {}).values() for ex in d[0]
                                                           for w in ex.words})
    vec_cache = dict(zip(every, feats.static(every)))
    averaged, history = None, []
    _log(f"specialise {scheme}: {len(mine)} sentences, {epochs} passes")
    for epoch in range(1, epochs + 1):
        net.train()
        order = sorted(mine, key=lambda ex: (len(ex.words), rng.random()))
        batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
        rng.shuffle(batches)
        t0, total = time.time(), 0.0
        for batch in batches:
            vecs, wids, cids, lengths, mask, by_scheme, gaz = _tensors(batch, feats, vec_cache, word_dropout, rng,
                                                                       gaz_names)
            h = net(vecs, wids, cids, lengths, gaz)
            loss = net.loss(h, mask, {scheme: by_scheme[scheme]}) / len(batch)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()
            total += float(loss.detach()) * len(batch)
        sd = {k: v.detach().numpy().astype("float32") for k, v in net.state_dict().items()}
        now = _lstm_and_heads(sd, [scheme], lstm_suffix=f"_{scheme}")
        averaged = now if averaged is None else {k: averaged[k] + (now[k] - averaged[k]) / epoch for k in now}
        arrays.update(averaged)
        np.savez(path / "tagger.npz", **arrays)
        row = {"specialise": scheme, "epoch": epoch, "loss": round(total / len(mine), 4),
               "seconds": round(time.time() - t0, 1)}
        if devs:
            row.update(evaluate_devs(Tagger(path, vectors), devs))
        history.append(row)
        _log(json.dumps(row))
    meta.setdefault("specialised", {})[scheme] = {"epochs": epochs, "lr": lr, "sentences": len(mine)}
    if corpora is not None:
        meta["specialised"][scheme]["corpora"] = list(corpora)
    (path / "tagger.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return history

"""A BiLSTM-CRF sequence tagger for NER that runs on numpy alone (no torch at prediction time).

Each token is represented by four things, concatenated:

- its floret vector (subword-hashed static vectors trained on the raw news; any word has one),
- a learned embedding of the word (the words seen in training; others share an "unknown" row),
- a character CNN over its first ``MAX_CHARS`` letters (learned embeddings, one convolution, max-pooled),
- 0/1 flags from the package's lexicons (given names, honorifics, titles, organisation words, places,
  months, function words).

A bidirectional LSTM reads the sentence. On top of it sit one *head* per annotation scheme (a linear layer
scoring the BIO tags of that scheme's labels, and a CRF: tag-to-tag transition scores, with the moves that
break BIO forbidden, best sequence by Viterbi). The corpora disagree on conventions (PEYMA files every
country under LOC and annotates money and dates; ARMAN calls a country acting as a state an ORG and has
facilities, events and products), so each corpus trains only the head of its own scheme while all of them
train the shared encoder. The pipeline uses the first head (``peyma``).

``welfare_nlp.tagger_train`` trains the network with torch and writes its weights as ``tagger.npz`` (read
here with ``allow_pickle=False``) next to ``tagger.json`` (vocabularies, heads and their labels, sizes);
prediction needs numpy only. ``TaggerComponent`` is the spaCy component (``welfare_tagger``) around it.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

MAX_CHARS = 20          # letters of a word the character CNN sees
PAD, UNK = 0, 1         # ids shared by the word and character vocabularies
NEG = -1e4              # score of a forbidden tag move
_DIGIT = re.compile(r"\d")


GAZETTEERS = ("first_name", "honorific", "title", "organization", "place", "month", "function_word")


@lru_cache(maxsize=1)
def gazetteers() -> dict[str, frozenset]:
    """Word sets from the package's lexicons (``welfare_nlp/lexicons``), one per ``GAZETTEERS`` name:
    a token in a set gets that feature (for multiword entries, every word of the entry counts)."""
    from . import lexicon

    def split(entries):
        return frozenset(w for e in entries for w in e.replace("\u200c", " ").split() if w)

    def first(entries):
        return frozenset(e.split()[0] for e in entries if e.split())

    places = [p["name"] for p in lexicon.provinces()] + [p["centre"] for p in lexicon.provinces()]
    places += [v for p in lexicon.provinces() for v in p["variants"]] + list(lexicon.cities())
    return {
        "first_name": frozenset(lexicon.words("first_names.txt") + lexicon.words("first_names_ambiguous.txt")),
        "honorific": frozenset(lexicon.words("honorifics.txt")),
        "title": first(lexicon.words("titles.txt")),
        "organization": first(lexicon.words("organizations.txt")),
        "place": split(places),
        "month": frozenset(lexicon.months()),
        "function_word": frozenset(lexicon.words("function_words.txt")),
    }


def gazetteer_features(words: list[str], names: list[str] | tuple[str, ...] = GAZETTEERS) -> np.ndarray:
    """(T, len(names)) 0/1: whether each word is in each gazetteer."""
    sets = gazetteers()
    out = np.zeros((len(words), len(names)), dtype="float32")
    for j, name in enumerate(names):
        g = sets[name]
        for i, w in enumerate(words):
            if w in g:
                out[i, j] = 1.0
    return out


def word_key(word: str) -> str:
    """The form a word's learned embedding is looked up by: digits are one digit."""
    return _DIGIT.sub("0", word.lower())


def tag_names(labels: list[str]) -> list[str]:
    """O, then B-/I- for each label: tag 1 + 2k is B-label k, tag 2 + 2k is I-label k."""
    out = ["O"]
    for lab in labels:
        out += [f"B-{lab}", f"I-{lab}"]
    return out


def allowed_moves(n_labels: int) -> tuple[np.ndarray, np.ndarray]:
    """(start[K], trans[K, K]) masks, 0 where a move keeps BIO valid and NEG where it does not:
    an I- tag follows only a B- or I- of its own label."""
    k = 1 + 2 * n_labels
    start = np.zeros(k, dtype="float32")
    trans = np.zeros((k, k), dtype="float32")
    for lab in range(n_labels):
        inside = 2 + 2 * lab
        start[inside] = NEG
        trans[:, inside] = NEG
        trans[1 + 2 * lab, inside] = 0.0
        trans[inside, inside] = 0.0
    return start, trans


def tags_to_spans(tags: list[int] | np.ndarray, labels: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, label) token spans of a tag-id sequence (an I- without its B- starts an entity)."""
    out, start, cur = [], None, None
    for i, t in enumerate(list(tags) + [0]):
        t = int(t)
        if t and t % 2 == 0 and cur == (t - 2) // 2 and start is not None:
            continue
        if start is not None:
            out.append((start, i, labels[cur]))
            start, cur = None, None
        if t:
            start, cur = i, (t - 1) // 2
    return out


class Featurizer:
    """Word ids, character ids and floret vectors of a tokenised sentence."""

    CACHE = 20_000   # distinct words whose network inputs the tagger keeps (``Tagger._token_inputs``)

    def __init__(self, words: list[str], chars: list[str], vectors):
        self.words = {w: i for i, w in enumerate(words)}
        self.chars = {c: i for i, c in enumerate(chars)}
        self.vectors = vectors   # spaCy ``Vectors`` in floret mode (or anything with get_batch(list[str]))
        self.dim = int(vectors.shape[1])

    def word_ids(self, words: list[str]) -> np.ndarray:
        get = self.words.get
        return np.fromiter((get(word_key(w), UNK) for w in words), dtype=np.int64, count=len(words))

    def char_ids(self, words: list[str]) -> np.ndarray:
        out = np.zeros((len(words), MAX_CHARS), dtype=np.int64)
        get = self.chars.get
        for i, w in enumerate(words):
            ids = [get(c, UNK) for c in w[:MAX_CHARS]]
            out[i, :len(ids)] = ids
        return out

    def static(self, words: list[str]) -> np.ndarray:
        if not words:
            return np.zeros((0, self.dim), dtype="float32")
        return np.asarray(self.vectors.get_batch(words), dtype="float32")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


class Head:
    """One output layer + CRF: the tags of one annotation scheme (``peyma``: countries are places, money
    and dates annotated; ``arman``: a country acting as a state is an organisation, facilities, events and
    products annotated). The encoder below the heads is shared, except for the BiLSTM of a head that has
    one of its own (``Tagger.lstms``)."""

    def __init__(self, name: str, labels: list[str], w: dict[str, np.ndarray]):
        self.name, self.labels = name, list(labels)
        self.out_w = np.ascontiguousarray(w[f"out_w_{name}"].T)
        self.out_b = w[f"out_b_{name}"]
        # an optional ReLU layer of the head's own below the tag scores (``train-ner --head-hidden``)
        self.mid_w = np.ascontiguousarray(w[f"mid_w_{name}"].T) if f"mid_w_{name}" in w else None
        self.mid_b = w.get(f"mid_b_{name}")
        s_mask, t_mask = allowed_moves(len(self.labels))
        self.start = w[f"crf_start_{name}"] + s_mask
        self.trans = w[f"crf_trans_{name}"] + t_mask
        self.end = w[f"crf_end_{name}"]

    def scores(self, feats: np.ndarray) -> np.ndarray:
        """Tag scores (..., K) from the encoder's output (..., 2H)."""
        if self.mid_w is not None:
            feats = np.maximum(feats @ self.mid_w + self.mid_b, 0.0)
        return feats @ self.out_w + self.out_b

    def viterbi(self, ems: list[np.ndarray]) -> list[np.ndarray]:
        """The best tag sequence of each sentence, all sentences decoded side by side."""
        lengths = np.array([len(e) for e in ems], dtype=np.int64)
        b, t_max = len(ems), int(lengths.max(initial=0))
        if not t_max:
            return [np.zeros(0, dtype=np.int64) for _ in ems]
        k = len(self.end)
        em = np.zeros((b, t_max, k), dtype="float32")
        for i, e in enumerate(ems):
            em[i, :len(e)] = e
        score = self.start + em[:, 0]
        back = np.broadcast_to(np.arange(k), (b, t_max, k)).copy()  # past its end a sentence keeps its tag
        for t in range(1, t_max):
            cand = score[:, :, None] + self.trans                       # (B, from, to)
            live = lengths > t
            back[live, t] = cand[live].argmax(axis=1)
            score = np.where(live[:, None], cand.max(axis=1) + em[:, t], score)
        best = np.zeros((b, t_max), dtype=np.int64)
        best[:, -1] = (score + self.end).argmax(axis=1)
        rows = np.arange(b)
        for t in range(t_max - 1, 0, -1):
            best[:, t - 1] = back[rows, t, best[:, t]]
        return [best[i, :n] for i, n in enumerate(lengths)]


class Tagger:
    """The trained network, on numpy. ``spans(sentences, scheme)`` gives each sentence's entities."""

    def __init__(self, path: str | Path, vectors):
        path = Path(path)
        meta = json.loads((path / "tagger.json").read_text(encoding="utf-8"))
        self.meta = meta
        self.feats = Featurizer(meta["words"], meta["chars"], vectors)
        self.gazetteers: list[str] = meta.get("gazetteers", [])
        with np.load(path / "tagger.npz", allow_pickle=False) as z:
            w = {k: z[k].astype("float32") for k in z.files}
        self.heads = {h["name"]: Head(h["name"], h["labels"], w) for h in meta["heads"]}
        self.default = meta["heads"][0]["name"]
        self.labels: list[str] = self.heads[self.default].labels
        self.wemb, self.cemb = w["wemb"], w["cemb"]
        # conv1d weight (F, C, 3) as one matrix over the 3 stacked neighbouring letters
        conv = w["conv_w"]
        self.conv_w = np.ascontiguousarray(conv.transpose(2, 1, 0).reshape(-1, conv.shape[0]))
        self.conv_b = w["conv_b"]
        self.hidden = w["lstm_whh_f"].shape[1]
        # the shared BiLSTM, and the BiLSTM of its own of each head that has one (``train-ner --specialise``)
        self.lstms = {None: self._lstm(w, "")}
        for name in self.heads:
            if f"lstm_wih_f_{name}" in w:
                self.lstms[name] = self._lstm(w, f"_{name}")
        # the cache's memory is taken (written) now, so a long run does not see it grow
        self._inputs = np.empty((Featurizer.CACHE, self.lstms[None][0].shape[0]), dtype="float32")
        self._inputs.fill(0.0)
        self._index: dict[str, int] = {}

    def _lstm(self, w: dict, suffix: str) -> tuple:
        """(input map forward, backward, their biases, the recurrent maps (2, H, 4H)) of one BiLSTM, with
        torch's gate order (input, forget, cell, output) -> (input, forget, output, cell): the three sigmoid
        gates side by side."""
        h = self.hidden
        order = np.r_[0:2 * h, 3 * h:4 * h, 2 * h:3 * h]
        return (np.ascontiguousarray(w[f"lstm_wih_f{suffix}"][order].T),
                np.ascontiguousarray(w[f"lstm_wih_b{suffix}"][order].T),
                w[f"lstm_b_f{suffix}"][order], w[f"lstm_b_b{suffix}"][order],
                np.ascontiguousarray(np.stack([w[f"lstm_whh_f{suffix}"][order].T, w[f"lstm_whh_b{suffix}"][order].T])))

    @property
    def schemes(self) -> dict[str, list[str]]:
        return {name: h.labels for name, h in self.heads.items()}

    # -- the network --------------------------------------------------------------------------
    def _word_inputs(self, words: list[str]) -> np.ndarray:
        """The LSTM's input for each word: floret vector, word embedding, character CNN, gazetteer flags.
        None of these depends on the context, so each distinct word is computed once."""
        f = self.feats
        n = len(words)
        lengths = np.minimum(np.fromiter((len(w) for w in words), dtype=np.int64, count=n), MAX_CHARS)
        c = max(int(lengths.max(initial=1)), 1)                    # letters past the longest word are padding
        chars = self.cemb[f.char_ids(words)[:, :c]]                # (N, C, E)
        e = chars.shape[2]
        padded = np.zeros((n, c + 2, e), dtype="float32")
        padded[:, 1:-1] = chars
        windows = np.concatenate([padded[:, :-2], padded[:, 1:-1], padded[:, 2:]], axis=2)  # (N, C, 3E)
        conv = windows.reshape(n * c, 3 * e) @ self.conv_w
        conv = conv.reshape(n, c, -1) + self.conv_b
        valid = np.arange(c)[None, :] < np.maximum(lengths, 1)[:, None]
        conv = np.where(valid[:, :, None], conv, -np.inf).max(axis=1)
        parts = [f.static(words), self.wemb[f.word_ids(words)], conv]
        if self.gazetteers:
            parts.append(gazetteer_features(words, self.gazetteers))
        return np.concatenate(parts, axis=1)

    def _token_inputs(self, words: list[str]) -> np.ndarray:
        """``_word_inputs`` for every token, through a cache of the last ``Featurizer.CACHE`` distinct words."""
        cache = self._inputs
        index = self._index
        distinct = list(dict.fromkeys(words))
        if len(distinct) > len(cache):
            return self._word_inputs(words)
        new = [w for w in distinct if w not in index]
        if new:
            if len(index) + len(new) > len(cache):
                index.clear()
                new = distinct
            at = len(index)
            cache[at:at + len(new)] = self._word_inputs(new)
            index.update(zip(new, range(at, at + len(new))))
        rows = np.fromiter((index[w] for w in words), dtype=np.int64, count=len(words))
        return cache[rows]

    def encode(self, sentences: list[list[str]], scheme: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The BiLSTM's output (B, T, 2H) for sentences side by side, and their lengths (the BiLSTM of
        ``scheme``'s head where it has one of its own, else the shared one)."""
        w_in_f, w_in_b, b_in_f, b_in_b, whh = self.lstms.get(scheme, self.lstms[None])
        lengths = np.array([len(s) for s in sentences], dtype=np.int64)
        b, t_max, h = len(sentences), int(lengths.max(initial=0)), self.hidden
        if not t_max:
            return np.zeros((b, 0, 2 * h), dtype="float32"), lengths
        flat = [w for s in sentences for w in s]
        # the input projections of each distinct word once (news repeat their words)
        index: dict[str, int] = {}
        inverse = np.fromiter((index.setdefault(w, len(index)) for w in flat), dtype=np.int64, count=len(flat))
        inputs = self._token_inputs(list(index))
        pf = inputs @ w_in_f + b_in_f           # (distinct words, 4H), gates i f o g
        pb = inputs @ w_in_b + b_in_b
        # for each step, which word each sentence reads: forward in order, backward from its own end
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        pos = np.arange(t_max)[None, :]
        valid = pos < lengths[:, None]
        fwd = inverse[np.where(valid, offsets[:, None] + pos, 0)].T.copy()                    # (T, B)
        bwd = inverse[np.where(valid, offsets[:, None] + lengths[:, None] - 1 - pos, 0)].T.copy()
        out = np.empty((2, b, t_max, h), dtype="float32")
        hs = np.zeros((2, b, h), dtype="float32")
        cs = np.zeros((2, b, h), dtype="float32")
        g = np.empty((2, b, 4 * h), dtype="float32")
        tmp = np.empty((2, b, h), dtype="float32")
        for t in range(t_max):
            np.matmul(hs, whh, out=g)
            g[0] += pf[fwd[t]]
            g[1] += pb[bwd[t]]
            sg = g[..., :3 * h]                   # sigmoid(z) = (tanh(z / 2) + 1) / 2, in place
            sg *= 0.5
            np.tanh(sg, out=sg)
            sg += 1.0
            sg *= 0.5
            np.tanh(g[..., 3 * h:], out=tmp)      # the candidate cell
            tmp *= g[..., :h]                     # input gate
            cs *= g[..., h:2 * h]                 # forget gate
            cs += tmp
            np.tanh(cs, out=hs)
            hs *= g[..., 2 * h:3 * h]             # output gate
            out[:, :, t] = hs
        hf = out[0]
        # back to sentence order for the backward direction
        rev = np.where(valid, lengths[:, None] - 1 - pos, 0)
        hb = np.take_along_axis(out[1], rev[:, :, None], axis=1)
        return np.concatenate([hf, hb], axis=2), lengths

    def emissions(self, sentences: list[list[str]], scheme: str | None = None) -> list[np.ndarray]:
        """Tag scores (T, K) of each sentence under one scheme's head."""
        head = self.heads[scheme or self.default]
        feats, lengths = self.encode(sentences, head.name)
        scores = head.scores(feats)
        return [scores[k, :lengths[k]] for k in range(len(sentences))]

    def tag(self, sentences: list[list[str]], scheme: str | None = None) -> list[np.ndarray]:
        return self.heads[scheme or self.default].viterbi(self.emissions(sentences, scheme))

    def spans(self, sentences: list[list[str]], scheme: str | None = None) -> list[list[tuple[int, int, str]]]:
        labels = self.heads[scheme or self.default].labels
        return [tags_to_spans(t, labels) for t in self.tag(sentences, scheme)]


SENTENCE_END = frozenset({".", "!", "?", "؟", "…", "!!", "?!", "؟!"})
MAX_SEGMENT = 150   # tokens the LSTM reads at once: a longer sentence is cut
GROUP, GROUP_TOKENS = 256, 6_000   # sentences read side by side (bounds a batch's arrays)


def segments(texts: list[str]) -> list[list[int]]:
    """Token indices of the sentences the tagger reads, from a Doc's token texts: a sentence ends after
    . ! ? ؟ and at line breaks, is cut at MAX_SEGMENT tokens, and leaves out whitespace tokens."""
    out: list[list[int]] = []
    cur: list[int] = []
    for i, t in enumerate(texts):
        if not t.strip():
            if "\n" in t and cur:
                out.append(cur)
                cur = []
            continue
        cur.append(i)
        if t in SENTENCE_END or len(cur) >= MAX_SEGMENT:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


class TaggerComponent:
    """The spaCy pipeline component ``welfare_tagger`` (registered in ``welfare_nlp.factories``): sets
    ``doc.ents`` from the tagger. Its weights are ``tagger.npz`` and ``tagger.json`` in the component's
    folder of a saved pipeline; the floret vectors are the pipeline's own (``nlp.vocab.vectors``)."""

    def __init__(self, vocab, name: str = "welfare_tagger"):
        self.vocab, self.name = vocab, name
        self.tagger: Tagger | None = None
        self.source: Path | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.tagger.labels) if self.tagger else ()

    def __call__(self, doc):
        return next(iter(self.pipe([doc])))

    def pipe(self, docs, batch_size: int = 256):
        batch = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._set(batch)
                batch = []
        if batch:
            yield from self._set(batch)

    def doc_spans(self, docs: list, scheme: str | None = None) -> list[list[tuple[int, int, str]]]:
        """(start, end, label) token spans of each Doc (``scheme``: which head; the first by default)."""
        if self.tagger is None:
            from .errors import ModelNotFound

            raise ModelNotFound("the welfare_tagger component has no weights: load it from a saved pipeline")
        pieces = []   # (doc index, token indices)
        for k, doc in enumerate(docs):
            pieces.extend((k, idx) for idx in segments([t.text for t in doc]))
        out: list[list[tuple[int, int, str]]] = [[] for _ in docs]
        order = sorted(range(len(pieces)), key=lambda p: len(pieces[p][1]))
        groups: list[list[int]] = [[]]
        size = 0
        shortest = 0
        for p in order:   # sentences of similar length side by side (padding costs as much as words)
            n = len(pieces[p][1])
            if groups[-1] and (len(groups[-1]) >= GROUP or size + n > GROUP_TOKENS or n > 1.25 * shortest + 2):
                groups.append([])
                size = 0
            if not groups[-1]:
                shortest = n
            groups[-1].append(p)
            size += n
        for g in groups:
            group = [pieces[p] for p in g]
            found = self.tagger.spans([[docs[k][i].text for i in idx] for k, idx in group], scheme)
            for (k, idx), spans in zip(group, found):
                out[k].extend((idx[s], idx[e - 1] + 1, lab) for s, e, lab in spans)
        for spans in out:
            spans.sort()
        return out

    def _set(self, docs: list):
        from spacy.tokens import Span

        for doc, spans in zip(docs, self.doc_spans(docs)):
            doc.ents = [Span(doc, s, e, label=lab) for s, e, lab in spans]
        return docs

    def to_disk(self, path, exclude=()):
        import shutil

        if self.source is None:
            from .errors import ModelNotFound

            raise ModelNotFound("the welfare_tagger component has no weights to save: load them with from_disk")
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for name in ("tagger.npz", "tagger.json"):
            shutil.copyfile(self.source / name, path / name)

    def from_disk(self, path, exclude=()):
        self.source = Path(path)
        self.tagger = Tagger(self.source, self.vocab.vectors)
        return self

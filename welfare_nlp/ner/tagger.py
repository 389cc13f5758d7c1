"""A BiLSTM-CRF sequence tagger for NER that runs on numpy alone (no torch at prediction time).

Each token is represented by four things, concatenated:

- its floret vector (subword-hashed static vectors trained on the raw news; any word has one),
- a learned embedding of the word (the words seen in training; others share an "unknown" row),
- a character CNN over its first ``WORD_CHARS`` letters (learned embeddings, one convolution, max-pooled),
- 0/1 flags from the package's lexicons (given names, honorifics, titles, organisation words, places,
  months, function words).

A bidirectional LSTM reads the sentence. On top of it sit one *head* per annotation scheme (a linear layer
scoring the BIO tags of that scheme's labels, and a CRF: tag-to-tag transition scores, with the moves that
break BIO forbidden, best sequence by Viterbi). The corpora disagree on conventions (PEYMA files every
country under LOC and annotates money and dates; ARMAN calls a country acting as a state an ORG and has
facilities, events and products), so each corpus trains only the head of its own scheme while all of them
train the shared encoder. The pipeline uses the first head (``peyma``).

``welfare_nlp.training.tagger`` trains the network with torch and writes its weights as ``tagger.npz`` (read
here with ``allow_pickle=False``) next to ``tagger.json`` (vocabularies, heads and their labels, sizes);
prediction needs numpy only. ``TaggerComponent`` is the spaCy component (``welfare_tagger``) around it.
"""
from __future__ import annotations

import json
import re
import shutil
from functools import lru_cache
from pathlib import Path

import numpy as np

from welfare_nlp._spacy import spacy  # noqa: F401  # spaCy without torch (welfare_nlp._spacy), first
from spacy.attrs import IDX, LENGTH
from spacy.tokens import Span

from welfare_nlp.errors import ModelNotFound
from welfare_nlp.text import lexicon

WORD_CHARS = 20          # letters of a word the character CNN sees
PAD, UNK = 0, 1         # ids shared by the word and character vocabularies
NEG = -1e4              # score of a forbidden tag move
_DIGIT = re.compile(r"\d")


GAZETTEERS = ("first_name", "honorific", "title", "organization", "place", "month", "function_word")


@lru_cache(maxsize=1)
def gazetteers() -> dict[str, frozenset]:
    """Word sets from the package's lexicons (``welfare_nlp/text/lexicons``), one per ``GAZETTEERS`` name:
    a token in a set gets that feature (for multiword entries, every word of the entry counts)."""
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
    """(start, end, label) token spans of a tag-id sequence (an I- without its B- starts an entity).
    Only the tokens tagged other than O are visited."""
    tags = np.asarray(tags)
    out, start, cur, prev = [], None, None, -1
    for i in np.flatnonzero(tags).tolist():
        t = int(tags[i])
        if start is not None and (i != prev + 1 or t % 2 or cur != (t - 2) // 2):
            out.append((start, prev + 1, labels[cur]))
            start = None
        if start is None:
            start, cur = i, (t - 1) // 2
        prev = i
    if start is not None:
        out.append((start, prev + 1, labels[cur]))
    return out


class Featurizer:
    """Word ids, character ids and floret vectors of a tokenised sentence."""

    def __init__(self, words: list[str], chars: list[str], vectors):
        self.words = {w: i for i, w in enumerate(words)}
        self.chars = {c: i for i, c in enumerate(chars)}
        self.vectors = vectors   # spaCy ``Vectors`` in floret mode (or anything with get_batch(list[str]))
        self.dim = int(vectors.shape[1])

    def word_ids(self, words: list[str]) -> np.ndarray:
        get = self.words.get
        return np.fromiter((get(word_key(w), UNK) for w in words), dtype=np.int64, count=len(words))

    def char_ids(self, words: list[str]) -> np.ndarray:
        out = np.zeros((len(words), WORD_CHARS), dtype=np.int64)
        get = self.chars.get
        for i, w in enumerate(words):
            ids = [get(c, UNK) for c in w[:WORD_CHARS]]
            out[i, :len(ids)] = ids
        return out

    def static(self, words: list[str]) -> np.ndarray:
        if not words:
            return np.zeros((0, self.dim), dtype="float32")
        return np.asarray(self.vectors.get_batch(words), dtype="float32")


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
        self.trans_to = np.ascontiguousarray(self.trans.T)   # (to, from), as Viterbi reads it
        self.end = w[f"crf_end_{name}"]

    def scores(self, feats: np.ndarray) -> np.ndarray:
        """Tag scores (..., K) from the encoder's output (..., 2H)."""
        if self.mid_w is not None:
            feats = np.maximum(feats @ self.mid_w + self.mid_b, 0.0)
        return feats @ self.out_w + self.out_b

    def viterbi(self, ems: list[np.ndarray]) -> list[np.ndarray]:
        """The best tag sequence of each sentence, all sentences decoded side by side."""
        lengths = np.array([len(e) for e in ems], dtype=np.int64)
        if not len(ems) or not lengths.max():
            return [np.zeros(n, dtype=np.int64) for n in lengths]
        em = np.zeros((len(ems), int(lengths.max()), len(self.end)), dtype="float32")
        for i, e in enumerate(ems):
            em[i, :len(e)] = e
        return self.viterbi_padded(em, lengths)

    def viterbi_padded(self, em: np.ndarray, lengths: np.ndarray) -> list[np.ndarray]:
        """``viterbi`` of sentences given as one padded array ``em`` (B, T, K) and their lengths (what
        lies past a sentence's end is never read). The sentences are taken longest first, so that the
        ones still going at step t are a prefix of the batch (slices, not masks); ties between equal
        scores go to the lower tag, as ``argmax`` does."""
        b = len(lengths)
        lengths = np.asarray(lengths, dtype=np.int64)
        out = [np.zeros(0, dtype=np.int64)] * b
        order = np.argsort(-lengths, kind="stable")
        order = order[lengths[order] > 0]
        if not len(order):
            return out
        em = em[order]
        lens = lengths[order]
        t_max = int(lens[0])
        live = np.searchsorted(-lens, -np.arange(t_max), side="left")   # sentences longer than t
        trans_to = self.trans_to
        score = self.start + em[:, 0]
        k = len(self.end)
        back = np.empty((len(order), t_max, k), dtype=np.int8 if k <= 127 else np.intp)   # a tag per cell: 1 byte
        for t in range(1, t_max):
            n = int(live[t])
            cand = score[:n, None, :] + trans_to                      # (n, to, from): the reduction runs along rows
            best = cand.argmax(axis=2)
            back[:n, t] = best
            score[:n] = np.take_along_axis(cand, best[..., None], axis=2)[..., 0] + em[:n, t]
        last = (score + self.end).argmax(axis=1)
        best = np.empty((len(order), t_max), dtype=np.int64)
        best[np.arange(len(order)), lens - 1] = last
        for t in range(t_max - 1, 0, -1):
            n = int(live[t])
            best[:n, t - 1] = back[np.arange(n), t, best[:n, t]]
        for i, k in enumerate(order):
            out[k] = best[i, :lens[i]]
        return out


def _pad(flat: np.ndarray, lengths: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """(B, T, ...) from rows of sentences laid end to end: sentence k is ``flat[starts[k]:starts[k] + lengths[k]]``."""
    t_max = int(lengths.max(initial=0))
    out = np.zeros((len(lengths), t_max) + flat.shape[1:], dtype=flat.dtype)
    k, t = np.nonzero(np.arange(t_max)[None, :] < lengths[:, None])
    out[k, t] = flat[starts[k] + t]
    return out


class BiLSTM:
    """One bidirectional LSTM for prediction, with its weights laid out for speed and a cache of the input
    projections of the words it has read.

    - torch's gate order (input, forget, cell, output) becomes (input, forget, output, cell): the three
      sigmoid gates side by side, so that one ``exp`` pass serves all four gates;
    - every weight and bias is scaled so that the gates' pre-activations come out as -z for the sigmoid
      gates and -2z for the cell: then ``1 / (1 + exp(.))`` gives sigmoid(z) for the first three and
      sigmoid(2z) = (tanh(z) + 1) / 2 for the cell (numpy's ``exp`` costs 60% of its ``tanh``; scaling by
      -1 and -2 is exact in floating point; the hidden states differ from the tanh form's by < 1e-5);
    - both directions' input maps side by side (D, 8H): one matrix product projects a word for both.

    The input projection of a word does not depend on its context, so it is computed once per distinct
    word and kept (``CACHE`` words; when full, the most used half stays)."""

    CACHE = 32_768   # distinct words whose input projections are kept (32,768 x 8H floats: 128 MiB for H = 128)

    def __init__(self, w: dict, suffix: str):
        h = w[f"lstm_whh_f{suffix}"].shape[1]
        order = np.r_[0:2 * h, 3 * h:4 * h, 2 * h:3 * h]
        scale = np.full(4 * h, -1.0, dtype="float32")     # sigmoid gates: exp(-z)
        scale[3 * h:] = -2.0                                # the cell: exp(-2z)
        self.hidden = h
        self.w_in = np.ascontiguousarray(np.concatenate(
            [(w[f"lstm_wih_{d}{suffix}"][order] * scale[:, None]).T for d in "fb"], axis=1))       # (D, 8H)
        self.b_in = np.concatenate([w[f"lstm_b_{d}{suffix}"][order] * scale for d in "fb"])        # (8H,)
        self.whh = np.ascontiguousarray(np.stack(
            [(w[f"lstm_whh_{d}{suffix}"][order] * scale[:, None]).T for d in "fb"]))               # (2, H, 8H/2)
        self.rows: np.ndarray | None = None     # the cache, taken when first used
        self.index: dict[str, int] = {}         # word -> its row
        self.uses: np.ndarray | None = None     # per row, how often it was read

    def _take_cache(self) -> np.ndarray:
        if self.rows is None:
            # the cache's memory is written now (np.zeros alone would leave its pages to the first write),
            # so a long run does not see it grow
            self.rows = np.empty((self.CACHE, 8 * self.hidden), dtype="float32")
            self.rows.fill(0.0)
            self.uses = np.zeros(self.CACHE, dtype=np.int64)
            self.index = {}
        return self.rows

    def projections(self, words: list[str], inputs) -> tuple[np.ndarray, np.ndarray]:
        """``(table, at)``: each distinct word's input projection, forward then backward (gates i f o g,
        scaled as the class says, bias added), is ``table[at[k]]`` (2, 4H) for ``words[k]``; the table is the
        cache itself where every word is in it (no copy), else a new array. ``inputs(list)`` gives the network
        inputs of words. Words not in the cache are computed together and kept while there is room (when it
        is full, the most used half of it stays)."""
        n = len(words)
        rows, index, uses = self._take_cache(), self.index, self.uses
        new = [w for w in words if w not in index]
        if new and len(index) + len(new) > self.CACHE:
            at = np.argsort(-uses[:len(index)], kind="stable")[:self.CACHE // 2]   # the most used half, in row order on ties
            by_row = list(index)                     # rows are given in insertion order
            rows[:len(at)] = rows[at]
            uses[:len(at)] = uses[at]
            uses[len(at):] = 0
            self.index = index = {by_row[i]: k for k, i in enumerate(at.tolist())}
            new = [w for w in words if w not in index]
        fresh = inputs(new) @ self.w_in + self.b_in if new else None
        room = min(self.CACHE - len(index), len(new))
        if room > 0:
            at = len(index)
            rows[at:at + room] = fresh[:room]
            index.update(zip(new[:room], range(at, at + room)))
        if room == len(new):
            got = np.fromiter(map(index.__getitem__, words), dtype=np.int64, count=n)
            np.add.at(uses, got, 1)
            return rows.reshape(len(rows), 2, -1), got
        out = np.empty((n, rows.shape[1]), dtype="float32")      # more new words than the cache keeps
        left = {w: i for i, w in enumerate(new[room:], start=room)}
        for k, w in enumerate(words):
            if w in left:
                out[k] = fresh[left[w]]
            else:
                out[k] = rows[index[w]]
                uses[index[w]] += 1
        return out.reshape(n, 2, -1), np.arange(n)

    def run(self, proj: np.ndarray, rows: np.ndarray, offsets: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """The hidden states (N, 2H), forward then backward, of the N tokens of sentences read side by side.
        Token i of the batch reads ``proj[rows[i]]`` (``proj`` as ``projections`` gives it); a sentence is
        tokens ``offsets[k]`` to ``offsets[k] + lengths[k]``, and the sentences come longest first, so that
        the ones still going at step t are a prefix of the batch: no step is spent on padding."""
        n_tok, h = len(rows), self.hidden
        b = len(lengths)
        out = np.empty((n_tok, 2 * h), dtype="float32")
        if not n_tok:
            return out
        lengths = np.asarray(lengths, dtype=np.int64)
        live = np.searchsorted(-lengths, -np.arange(int(lengths[0])), side="left")    # sentences longer than t
        last = offsets + lengths - 1
        pf, pb = proj[:, 0], proj[:, 1]
        hs = np.zeros((2, b, h), dtype="float32")
        cs = np.zeros((2, b, h), dtype="float32")
        g = np.empty((2, b, 4 * h), dtype="float32")
        tmp = np.empty((2, b, h), dtype="float32")
        whh = self.whh
        tanh, exp, reciprocal, matmul, multiply = np.tanh, np.exp, np.reciprocal, np.matmul, np.multiply
        with np.errstate(over="ignore"):          # exp(large) = inf gives 1 / (1 + inf) = 0, the sigmoid's limit
            for t, n in enumerate(live.tolist()):
                fpos = offsets[:n] + t            # the token each sentence reads forward ...
                bpos = last[:n] - t               # ... and backward (from its own end)
                gn, hn, cn, tn = g[:, :n], hs[:, :n], cs[:, :n], tmp[:, :n]
                matmul(hn, whh, out=gn)
                gn[0] += pf[rows[fpos]]
                gn[1] += pb[rows[bpos]]
                exp(gn, out=gn)
                gn += 1.0
                reciprocal(gn, out=gn)            # sigmoid(z) for i f o; sigmoid(2z) for the cell
                cell = gn[..., 3 * h:]
                cell *= 2.0
                cell -= 1.0                       # tanh(z) = 2 sigmoid(2z) - 1
                multiply(cell, gn[..., :h], out=tn)   # candidate cell x input gate
                cn *= gn[..., h:2 * h]            # forget gate
                cn += tn
                tanh(cn, out=hn)
                hn *= gn[..., 2 * h:3 * h]        # output gate
                out[fpos, :h] = hn[0]
                out[bpos, h:] = hn[1]
        return out


class Tagger:
    """The trained network, on numpy. ``spans(sentences, scheme)`` gives each sentence's entities."""

    def __init__(self, path: str | Path, vectors):
        path = Path(path)
        meta = json.loads((path / "tagger.json").read_text(encoding="utf-8"))
        self.meta = meta
        self.feats = Featurizer(meta["words"], meta["chars"], vectors)
        self.gazetteers: list[str] = meta.get("gazetteers", [])
        with np.load(path / "tagger.npz", allow_pickle=False) as z:
            w = {k: z[k].astype("float32", copy=False) for k in z.files}
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
        self.lstms = {None: BiLSTM(w, "")}
        for name in self.heads:
            if f"lstm_wih_f_{name}" in w:
                self.lstms[name] = BiLSTM(w, f"_{name}")
        self.lstm_of(self.default)._take_cache()    # the pipeline's: its cache's memory taken now

    def lstm_of(self, scheme: str | None) -> BiLSTM:
        """The BiLSTM that ``scheme``'s head reads: its own where it has one, else the shared one."""
        return self.lstms.get(scheme, self.lstms[None])

    @property
    def schemes(self) -> dict[str, list[str]]:
        return {name: h.labels for name, h in self.heads.items()}

    # -- the network --------------------------------------------------------------------------
    def _word_inputs(self, words: list[str]) -> np.ndarray:
        """The LSTM's input for each word: floret vector, word embedding, character CNN, gazetteer flags.
        None of these depends on the context (the BiLSTM keeps each distinct word's projection)."""
        f = self.feats
        n = len(words)
        lengths = np.minimum(np.fromiter((len(w) for w in words), dtype=np.int64, count=n), WORD_CHARS)
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

    def _encode(self, sentences: list[list[str]], scheme: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The BiLSTM's output (N, 2H) for the N tokens of the sentences (``BiLSTM.run``), read side by side
        longest first; with the order the sentences were read in and the offset of each sentence's first
        token in the output (both in the order given)."""
        lstm = self.lstm_of(scheme)
        lengths = np.fromiter((len(s) for s in sentences), dtype=np.int64, count=len(sentences))
        order = np.argsort(-lengths, kind="stable")
        by_length = [sentences[k] for k in order.tolist()]
        index: dict[str, int] = {}
        rows = np.fromiter((index.setdefault(w, len(index)) for s in by_length for w in s), dtype=np.int64,
                           count=int(lengths.sum()))
        proj, at = lstm.projections(list(index), self._word_inputs)
        rows = at[rows]                                             # each token's row of ``proj``
        sorted_lengths = lengths[order]
        offsets = np.zeros(len(order), dtype=np.int64)
        np.cumsum(sorted_lengths[:-1], out=offsets[1:])
        out = lstm.run(proj, rows, offsets, sorted_lengths)
        starts = np.empty_like(offsets)
        starts[order] = offsets
        return out, lengths, starts

    def encode(self, sentences: list[list[str]], scheme: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The BiLSTM's output (B, T, 2H) for sentences side by side (zeros past a sentence's end), and their
        lengths (the BiLSTM of ``scheme``'s head where it has one of its own, else the shared one)."""
        b, h = len(sentences), self.hidden
        if not any(sentences):
            return np.zeros((b, 0, 2 * h), dtype="float32"), np.zeros(b, dtype=np.int64)
        out, lengths, starts = self._encode(sentences, scheme)
        return _pad(out, lengths, starts), lengths

    def _scores(self, sentences: list[list[str]], scheme: str | None) -> tuple[np.ndarray, np.ndarray]:
        """Tag scores (B, T, K) of sentences side by side (zeros past a sentence's end) and their lengths."""
        head = self.heads[scheme or self.default]
        b = len(sentences)
        if not any(sentences):
            return np.zeros((b, 0, len(head.end)), dtype="float32"), np.zeros(b, dtype=np.int64)
        out, lengths, starts = self._encode(sentences, head.name)
        return _pad(head.scores(out), lengths, starts), lengths

    def emissions(self, sentences: list[list[str]], scheme: str | None = None) -> list[np.ndarray]:
        """Tag scores (T, K) of each sentence under one scheme's head."""
        scores, lengths = self._scores(sentences, scheme)
        return [scores[k, :lengths[k]] for k in range(len(sentences))]

    def tag(self, sentences: list[list[str]], scheme: str | None = None) -> list[np.ndarray]:
        scores, lengths = self._scores(sentences, scheme)
        return self.heads[scheme or self.default].viterbi_padded(scores, lengths)

    def spans(self, sentences: list[list[str]], scheme: str | None = None) -> list[list[tuple[int, int, str]]]:
        labels = self.heads[scheme or self.default].labels
        return [tags_to_spans(t, labels) for t in self.tag(sentences, scheme)]


SENTENCE_END = frozenset({".", "!", "?", "؟", "…", "!!", "?!", "؟!"})
MAX_SEGMENT = 150   # tokens the LSTM reads at once: a longer sentence is cut
GROUP, GROUP_TOKENS = 1_024, 12_000   # sentences read side by side (bounds a batch's arrays)


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


def token_texts(doc, end: int | None = None, text: str | None = None) -> list[str]:
    """The texts of a Doc's tokens (those that start before character ``end``, if given), read from the
    Doc's arrays: no ``Token`` object is made."""
    return token_offsets(doc, end, text)[0]


def token_offsets(doc, end: int | None = None, text: str | None = None) -> tuple[list[str], list[int]]:
    """(texts, start characters) of a Doc's tokens (those that start before character ``end``).
    ``text``: the Doc's text, or its first ``end`` characters or more, where the caller has it (``doc.text``
    is built token by token)."""
    if not len(doc):
        return [], []
    arr = doc.to_array([IDX, LENGTH])
    if end is not None:
        arr = arr[:int(np.searchsorted(arr[:, 0], end, side="left"))]
    if text is None:
        text = doc.text
    starts = arr[:, 0].tolist()
    return [text[i:i + n] for i, n in zip(starts, arr[:, 1].tolist())], starts


class TaggerComponent:
    """The spaCy pipeline component ``welfare_tagger`` (registered in ``welfare_nlp.pipeline.factories``): sets
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
        return self.word_spans([token_texts(doc) for doc in docs], scheme)

    def word_spans(self, docs: list[list[str]], scheme: str | None = None) -> list[list[tuple[int, int, str]]]:
        """``doc_spans`` of documents given as their tokens' texts."""
        if self.tagger is None:
            raise ModelNotFound("the welfare_tagger component has no weights: load it from a saved pipeline")
        pieces = []   # (doc index, token indices)
        for k, words in enumerate(docs):
            pieces.extend((k, idx) for idx in segments(words))
        out: list[list[tuple[int, int, str]]] = [[] for _ in docs]
        order = sorted(range(len(pieces)), key=lambda p: len(pieces[p][1]))
        groups: list[list[int]] = [[]]
        size = 0
        for p in order:   # the BiLSTM spends no step on padding: only the batch's size bounds a group
            n = len(pieces[p][1])
            if groups[-1] and (len(groups[-1]) >= GROUP or size + n > GROUP_TOKENS):
                groups.append([])
                size = 0
            groups[-1].append(p)
            size += n
        for g in groups:
            group = [pieces[p] for p in g]
            found = self.tagger.spans([[docs[k][i] for i in idx] for k, idx in group], scheme)
            for (k, idx), spans in zip(group, found):
                out[k].extend((idx[s], idx[e - 1] + 1, lab) for s, e, lab in spans)
        for spans in out:
            spans.sort()
        return out

    def _set(self, docs: list):
        for doc, spans in zip(docs, self.doc_spans(docs)):
            doc.ents = [Span(doc, s, e, label=lab) for s, e, lab in spans]
        return docs

    def to_disk(self, path, exclude=()):
        if self.source is None:
            raise ModelNotFound("the welfare_tagger component has no weights to save: load them with from_disk")
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for name in ("tagger.npz", "tagger.json"):
            shutil.copyfile(self.source / name, path / name)

    def from_disk(self, path, exclude=()):
        self.source = Path(path)
        self.tagger = Tagger(self.source, self.vocab.vectors)
        return self

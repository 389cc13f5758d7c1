"""A faster greedy decoder for spaCy's transition-based NER: the same trained model, the same
decisions, many documents at each step.

spaCy's ``EntityRecognizer`` decodes one transition per token. Its C loop is exact but on this
model each step costs tens of microseconds (a tiny matrix product through BLIS with its locks,
then a validity check of every move), which made decoding half of the whole pipeline's time.
Here the network is run the same way (the ``tok2vec`` and ``lower`` layers once per batch, over
all tokens), and the step loop is done with numpy over all documents of a batch at once:

* features per state, as ``StateC.set_context_tokens`` with three features: the first buffer
  token; the first token of the open entity; the token before the buffer when an entity is open
  (else the learned padding row);
* hidden = maxout(sum of the three precomputed rows + bias); scores = hidden @ W.T + b; classes
  never seen in training take the lowest score of the step, as in spaCy;
* the BILUO moves' validity rules of ``spacy/pipeline/_parser_internals/ner.pyx`` for documents
  without preset entities (no entity may start on whitespace or run into a sentence start), and the
  first best valid move is taken.

It is used only where it applies (a ``tok2vec`` + ``ner`` pipeline, greedy, maxout, three state
features, no preset entities); anything else goes through spaCy. ``tests/test_ner.py`` checks that
both give the same entities on real text.
"""
from __future__ import annotations

import numpy as np

B, I, L, U, O = 1, 2, 3, 4, 0  # move types, as the first letter of spaCy's class names
_TYPES = {"B": B, "I": I, "L": L, "U": U, "O": O}


class GreedyNER:
    """Decoder for one spaCy NER pipeline; ``supported(nlp)`` says whether it applies."""

    def __init__(self, nlp):
        self.nlp = nlp
        self.tok2vec = nlp.get_pipe("tok2vec") if "tok2vec" in nlp.pipe_names else None
        self.ner = nlp.get_pipe("ner")
        model = self.ner.model
        self.t2v_ref, self.lower, self.upper = model.get_ref("tok2vec"), model.get_ref("lower"), model.get_ref("upper")
        moves = self.ner.moves
        names = [moves.get_class_name(i) for i in range(moves.n_moves)]
        self.labels = [n[2:] if n != "O" else "" for n in names]
        self.mtype = np.array([_TYPES[n[0]] for n in names], dtype=np.int8)
        label_ids = {lab: k + 1 for k, lab in enumerate(sorted({lab for lab in self.labels if lab}))}
        self.label_names = {v: k for k, v in label_ids.items()}
        self.mlabel = np.array([label_ids.get(lab, 0) for lab in self.labels], dtype=np.int32)
        unseen = sorted(model.attrs.get("unseen_classes") or ())
        self.unseen = np.array(unseen, dtype=np.int64)
        is_t = {t: (self.mtype == t) & ((self.mlabel > 0) | (t == O)) for t in _TYPES.values()}
        isB, isI, isL, isU, isO = is_t[B], is_t[I], is_t[L], is_t[U], is_t[O]
        # validity of each move by state code: closed states 2 * can_start + go_on (0-3), open ones
        # 4 + 2 * entity label + go_on; the rules of spacy/pipeline/_parser_internals/ner.pyx
        n_labels = len(label_ids)
        valid = np.zeros((4 + 2 * (n_labels + 1), len(names)), dtype=bool)
        for can_start in (0, 1):
            for go in (0, 1):
                valid[2 * can_start + go] = isO | (isB & bool(can_start and go)) | (isU & bool(can_start))
        for lab in range(1, n_labels + 1):
            for go in (0, 1):
                valid[4 + 2 * lab + go] = ((isI & bool(go)) | isL) & (self.mlabel == lab)
        assert valid[:4].any(axis=1).all() and valid[6:].any(axis=1).all()  # a state always has a move
        self._masks = np.where(valid, np.float32(0), np.float32(-np.inf)).astype(np.float32)
        self._begins = isB
        self._ends = isL | isU
        self._unit = isU
        self._open_after = isB | isI

    @staticmethod
    def supported(nlp) -> bool:
        if not set(nlp.pipe_names) <= {"tok2vec", "ner"} or "ner" not in nlp.pipe_names:
            return False
        ner = nlp.get_pipe("ner")
        model = getattr(ner, "model", None)
        try:
            lower = model.get_ref("lower")
            ok = (model.attrs.get("has_upper") and model.has_ref("upper") and lower.get_dim("nF") == 3
                  and lower.get_dim("nP") >= 2 and ner.cfg.get("beam_width", 1) == 1)
            names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
        except Exception:  # noqa: BLE001 - anything unexpected: spaCy decodes
            return False
        return bool(ok) and all(n == "O" or (n[:2] in ("B-", "I-", "L-", "U-")) for n in names)

    def __call__(self, docs: list) -> list[list[tuple[int, int, str]]]:
        """(start token, end token, label) entities of each Doc (made by ``nlp.make_doc``)."""
        from spacy.attrs import ENT_IOB, IS_SPACE, SENT_START

        docs = list(docs)
        out: list[list[tuple[int, int, str]]] = [[] for _ in docs]
        live = [k for k, d in enumerate(docs) if len(d)]
        if not live:
            return out
        ldocs = [docs[k] for k in live]
        arrays = [d.to_array([IS_SPACE, SENT_START, ENT_IOB]) for d in ldocs]
        if any(a[:, 2].any() for a in arrays):  # preset entities: spaCy's rules for them apply
            return self._spacy(docs)
        if self.tok2vec is not None:
            self.tok2vec.set_annotations(ldocs, self.tok2vec.predict(ldocs))
        tokvecs = self.t2v_ref.predict(ldocs)
        if self.tok2vec is not None:
            for d in ldocs:  # the listener has read them: free the per-token tensors now
                d.tensor = np.zeros((0,), dtype="float32")
        cached = self.lower.predict(tokvecs)  # (tokens + 1, 3, hidden, pieces); row 0 is padding
        n_rows, n_f, n_h, n_p = cached.shape
        cached = cached.reshape(n_rows, n_f, n_h * n_p)
        c0, c1, c2 = cached[:, 0], cached[:, 1], cached[:, 2]
        bias = self.lower.get_param("b").reshape(n_h * n_p)
        w_t = np.ascontiguousarray(self.upper.get_param("W").T)
        b_up = self.upper.get_param("b")
        lens = np.array([len(d) for d in ldocs], dtype=np.int64)
        base = 1 + np.concatenate([[0], np.cumsum(lens)[:-1]])  # row of each document's first token
        # per row (token): may an entity start here, may one go on past it, is it its document's last
        space = np.concatenate([a[:, 0] for a in arrays]).astype(bool)
        sent1 = np.concatenate([a[:, 1] for a in arrays]) == 1
        last_row = np.zeros(n_rows, dtype=bool)
        last_row[base + lens - 1] = True
        next_starts = np.zeros(n_rows, dtype=bool)
        next_starts[1:n_rows - 1] = sent1[1:]
        go_on = (~last_row & ~next_starts).astype(np.int64)
        can_start = np.zeros(n_rows, dtype=np.int64)
        can_start[1:] = ~space
        # a state's valid moves depend on (entity open, its label, go_on, can_start): one table row each
        mask = self._masks
        lane = np.arange(len(ldocs))          # which document
        first = base.copy()                  # row of its first token
        g = base.copy()                      # row of the first buffer token
        opened = np.zeros(len(ldocs), dtype=bool)
        e_row = np.zeros(len(ldocs), dtype=np.int64)   # row of the open entity's first token
        e_label = np.zeros(len(ldocs), dtype=np.int64)
        found: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        open_after, begins, ends_ent, unit, mlabel = self._open_after, self._begins, self._ends, self._unit, self.mlabel
        while lane.size:
            h = c0[g] + c1[np.where(opened, e_row, 0)]
            h += c2[np.where(opened, g - 1, 0)]
            h += bias
            hidden = np.maximum(h[:, 0::n_p], h[:, 1::n_p]) if n_p == 2 else h.reshape(len(g), n_h, n_p).max(axis=2)
            scores = hidden @ w_t
            scores += b_up
            if self.unseen.size:
                scores[:, self.unseen] = scores.min()
            code = np.where(opened, 4 + 2 * e_label, 2 * can_start[g]) + go_on[g]
            scores += mask[code]
            guess = scores.argmax(axis=1)
            b = begins[guess]
            if b.any():
                e_row[b], e_label[b] = g[b], mlabel[guess[b]]
            e = ends_ent[guess]
            if e.any():
                u = unit[guess[e]]
                found.append((lane[e], np.where(u, g[e], e_row[e]) - first[e], g[e] + 1 - first[e],
                              np.where(u, mlabel[guess[e]], e_label[e])))
            opened = open_after[guess]
            done = last_row[g]
            g += 1
            if done.any():
                keep = ~done
                lane, first, g = lane[keep], first[keep], g[keep]
                opened, e_row, e_label = opened[keep], e_row[keep], e_label[keep]
        for who, starts, ends, labels in found:
            for k, s, e, lab in zip(who.tolist(), starts.tolist(), ends.tolist(), labels.tolist()):
                out[live[k]].append((s, e, self.label_names[lab]))
        for spans in out:
            spans.sort()
        return out

    def _spacy(self, docs: list) -> list[list[tuple[int, int, str]]]:
        res = []
        for doc in self.nlp.pipe(docs):
            res.append([(e.start, e.end, e.label_) for e in doc.ents])
        return res

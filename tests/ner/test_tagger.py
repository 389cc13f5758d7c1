"""The BiLSTM-CRF tagger (welfare_nlp.ner.tagger): BIO rules, sentence cutting, the numpy network against the
torch network it was trained as, exact Viterbi and partial-label CRF loss (checked by enumerating every
tag sequence), and the spaCy component saved and loaded back."""
import itertools
import json

import numpy as np
import pytest

from welfare_nlp.ner.tagger import (GAZETTEERS, WORD_CHARS, NEG, Featurizer, Tagger, TaggerComponent, allowed_moves,
                                gazetteer_features, gazetteers, segments, tag_names, tags_to_spans)
from welfare_nlp.training.evaluate import pick_scheme

LABELS = ["PER", "ORG"]   # tags: O, B-PER, I-PER, B-ORG, I-ORG


@pytest.mark.parametrize("tags, expected", [
    ([0, 0], []),
    ([1, 2, 0, 3], [(0, 2, "PER"), (3, 4, "ORG")]),
    ([1, 1], [(0, 1, "PER"), (1, 2, "PER")]),          # B B: two entities
    ([2, 2, 0], [(0, 2, "PER")]),                      # I without B starts one
    ([1, 4], [(0, 1, "PER"), (1, 2, "ORG")]),          # I of another label starts a new one
    ([3, 4, 4], [(0, 3, "ORG")]),
    ([], []),
])
def test_tags_to_spans(tags, expected):
    assert tags_to_spans(tags, LABELS) == expected


def test_allowed_moves_keep_bio_valid():
    start, trans = allowed_moves(len(LABELS))
    names = tag_names(LABELS)
    assert names == ["O", "B-PER", "I-PER", "B-ORG", "I-ORG"]
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            ok = not b.startswith("I-") or (a != "O" and a[2:] == b[2:])
            assert (trans[i, j] == 0) == ok, (a, b)
    assert [n for n, s in zip(names, start) if s == NEG] == ["I-PER", "I-ORG"]


@pytest.mark.parametrize("tokens, expected", [
    (["a", "b", ".", "c"], [[0, 1, 2], [3]]),
    (["a", " ", "b"], [[0, 2]]),                       # spaces are left out, the sentence goes on
    (["a", "\n", "b", "\n\n"], [[0], [2]]),            # a line break ends a sentence
    (["؟", "x", "!"], [[0], [1, 2]]),
    (["\n", " "], []),
    ([], []),
])
def test_segments(tokens, expected):
    assert segments(tokens) == expected


def test_long_sentences_are_cut():
    from welfare_nlp.ner.tagger import MAX_SEGMENT

    cut = segments(["w"] * (2 * MAX_SEGMENT + 3))
    assert [len(c) for c in cut] == [MAX_SEGMENT, MAX_SEGMENT, 3]
    assert [i for c in cut for i in c] == list(range(2 * MAX_SEGMENT + 3))


@pytest.mark.parametrize("a, b, expected", [
    ({"PER", "ORG", "LOC", "DAT", "MON"}, None, "peyma"),
    ({"PER", "ORG", "LOC", "FAC", "EVENT"}, None, "arman"),
    ({"PER", "ORG", "LOC", "MISC"}, None, "parsner"),
    ({"PER", "ORG", "LOC"}, None, "peyma"),            # a tie goes to the default (first) scheme
    (set(), None, "peyma"),
    ({"PER", "ORG", "LOC", "DAT", "TIM", "MON", "PCT"}, None, "peyma"),   # not the 600K part's head, same labels
])
def test_pick_scheme(a, b, expected):
    schemes = {"peyma": ["PER", "ORG", "LOC", "DAT", "TIM", "MON", "PCT"],
               "peyma_600k": ["PER", "ORG", "LOC", "DAT", "TIM", "MON", "PCT"],
               "arman": ["PER", "ORG", "LOC", "FAC", "EVENT", "PRO"], "parsner": ["PER", "ORG", "LOC", "MISC"]}
    assert pick_scheme(a, schemes) == expected
    assert pick_scheme(a, {"only": ["PER"]}) is None


def test_gazetteers_are_loaded_from_the_lexicons():
    g = gazetteers()
    assert set(g) == set(GAZETTEERS) and all(g[name] for name in GAZETTEERS)
    assert "تهران" in g["place"] and "محمد" in g["first_name"] and "سازمان" in g["organization"]
    f = gazetteer_features(["تهران", "کتاب"], ["place", "first_name"])
    assert f.tolist() == [[1.0, 0.0], [0.0, 0.0]]


# -- a small network with random weights, in torch and on numpy -----------------------------------------

class _Vectors:
    """floret-like vectors: any string gets a vector (a hash of it seeds the numbers)."""

    shape = (0, 6)

    def get_batch(self, words):
        import zlib

        return np.stack([np.random.RandomState(zlib.crc32(w.encode())).randn(6).astype("float32") for w in words])


SCHEMES = {"a": ["PER", "ORG"], "b": ["PER", "ORG", "LOC"]}
SENTENCES = [["علی", "احمدی", "در", "سازمان", "بهزیستی", "گفت", "."], ["تهران"], ["x" * 30, "۱۲۳", "z"]]


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    torch = pytest.importorskip("torch")
    from welfare_nlp.training.tagger import build_vocab, export, load_corpus, make_net  # noqa: F401

    torch.manual_seed(1)
    words = ["<pad>", "<unk>", "علی", "در", "گفت"]
    chars = ["<pad>", "<unk>"] + sorted({c for s in SENTENCES for w in s for c in w})[:-3]  # some letters unknown
    net = make_net(len(words), len(chars), SCHEMES, 6, 5, 4, 7, 9, 0.3, len(GAZETTEERS))
    with torch.no_grad():
        for p in net.parameters():
            p.uniform_(-0.5, 0.5)
    net.eval()
    out = tmp_path_factory.mktemp("tagger")
    meta = {"heads": [{"name": k, "labels": v} for k, v in SCHEMES.items()], "words": words, "chars": chars,
            "gazetteers": list(GAZETTEERS)}
    export(net, out, meta)
    return net, Tagger(out, _Vectors()), out


def _torch_emissions(net, tagger, sentences, scheme):
    import torch

    f = tagger.feats
    t = max(map(len, sentences))
    b = len(sentences)
    vecs = np.zeros((b, t, 6), dtype="float32")
    wids = np.zeros((b, t), dtype=np.int64)
    cids = np.zeros((b, t, 20), dtype=np.int64)
    gaz = np.zeros((b, t, len(GAZETTEERS)), dtype="float32")
    for i, s in enumerate(sentences):
        vecs[i, :len(s)] = f.static(s)
        wids[i, :len(s)] = f.word_ids(s)
        cids[i, :len(s)] = f.char_ids(s)
        gaz[i, :len(s)] = gazetteer_features(s)
    with torch.no_grad():
        h = net(torch.from_numpy(vecs), torch.from_numpy(wids), torch.from_numpy(cids),
                torch.tensor([len(s) for s in sentences]), torch.from_numpy(gaz))
        em = net.emissions(h, scheme).numpy()
    return [em[i, :len(s)] for i, s in enumerate(sentences)]


@pytest.mark.parametrize("scheme", ["a", "b"])
def test_numpy_network_equals_torch(pair, scheme):
    net, tagger, _ = pair
    got = tagger.emissions(SENTENCES, scheme)
    want = _torch_emissions(net, tagger, SENTENCES, scheme)
    for g, w in zip(got, want):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, w, atol=1e-4, rtol=1e-4)
    # a sentence alone gets what it gets in a batch (padding does not leak)
    alone = tagger.emissions([SENTENCES[1]], scheme)[0]
    np.testing.assert_allclose(alone, got[1], atol=1e-5)


def _paths(k, n):
    return itertools.product(range(k), repeat=n)


def _path_score(head, em, path):
    s = head.start[path[0]] + em[0, path[0]] + head.end[path[-1]]
    for a, b, t in zip(path, path[1:], range(1, len(path))):
        s += head.trans[a, b] + em[t, b]
    return s


def test_viterbi_is_exact(pair):
    _, tagger, _ = pair
    head = tagger.heads["a"]
    rng = np.random.RandomState(0)
    ems = [rng.randn(n, 5).astype("float32") * 3 for n in (1, 4, 2, 5)]
    for em, best in zip(ems, head.viterbi(ems)):
        brute = max(_paths(5, len(em)), key=lambda p: _path_score(head, em, p))
        assert tuple(best) == brute
        assert tags_to_spans(best, head.labels) == tags_to_spans(list(brute), head.labels)


def test_partial_label_loss_is_the_allowed_paths_probability(pair):
    import torch

    net, tagger, _ = pair
    head_t = net.heads["a"]
    head_n = tagger.heads["a"]
    rng = np.random.RandomState(1)
    em = rng.randn(3, 5).astype("float32")
    allowed = np.ones((3, 5), dtype=bool)
    allowed[0] = [False, True, False, True, False]    # B-PER or B-ORG
    allowed[2] = [True, False, False, False, False]   # O
    mask = torch.ones(1, 3, dtype=torch.bool)
    with torch.no_grad():
        loss = float(head_t.loss(torch.from_numpy(em)[None], mask, torch.from_numpy(allowed)[None]))
        everything = float(head_t.loss(torch.from_numpy(em)[None], mask, torch.ones(1, 3, 5, dtype=torch.bool)))
    scores = {p: _path_score(head_n, em, p) for p in _paths(5, 3)}
    z = np.logaddexp.reduce([v for v in scores.values()])
    z_allowed = np.logaddexp.reduce([v for p, v in scores.items() if all(allowed[t, x] for t, x in enumerate(p))])
    assert loss == pytest.approx(z - z_allowed, abs=1e-3)
    assert everything == pytest.approx(0.0, abs=1e-4)   # nothing known: nothing to learn


def test_batch_loss_over_several_heads_equals_each_heads_own(pair):
    """The training loop runs one forward-algorithm loop for every head of a batch (tags padded to the
    widest head); it must give each head's own partial-label loss, summed."""
    import torch

    net, _, _ = pair
    rng = np.random.RandomState(2)
    lengths = [4, 2, 3, 4]
    h = torch.from_numpy(rng.randn(4, 4, 18).astype("float32"))
    mask = torch.from_numpy(np.array([[t < n for t in range(4)] for n in lengths]))
    by_scheme = {}
    for scheme, idx in (("a", [0, 2]), ("b", [1, 2, 3])):      # sentence 2 has partial labels for both heads
        k = 1 + 2 * len(SCHEMES[scheme])
        by_scheme[scheme] = (torch.tensor(idx), torch.from_numpy(rng.rand(len(idx), 4, k) > 0.3) | (
            torch.arange(k) == 0))                           # O always allowed: a path always exists
    with torch.no_grad():
        joint = float(net.loss(h, mask, by_scheme))
        own = sum(float(net.heads[s].loss(net.emissions(h[idx], s), mask[idx], allowed))
                  for s, (idx, allowed) in by_scheme.items())
    assert joint == pytest.approx(own, rel=1e-5)
    assert joint > 0


@pytest.mark.parametrize("gold, type_map, outside, expected", [
    # a LOC span may be LOC or ORG on the other head, its boundaries kept
    ({(0, 2, "LOC")}, {"LOC": ("LOC", "ORG")}, (),
     [{"B-ORG", "B-LOC"}, {"I-ORG", "I-LOC"}, {"O"}]),
    # an unlabelled token may be one of the other head's extra labels
    (set(), {}, ("FAC",), [{"O", "B-FAC", "I-FAC"}] * 3),
    # a label mapped to nothing is treated as unlabelled; an unmapped one leaves its tokens open
    ({(0, 1, "DAT"), (2, 3, "MISC")}, {"DAT": ()}, (),
     [{"O"}, {"O"}, {"O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"}]),
])
def test_cross_allowed(gold, type_map, outside, expected):
    from welfare_nlp.training.tagger import cross_allowed

    labels = ["PER", "ORG", "LOC"] if not outside else ["PER", "FAC"]
    names = tag_names(labels)
    got = cross_allowed(gold, 3, labels, type_map, outside)
    assert [{names[i] for i in np.flatnonzero(row)} for row in got] == expected


def test_unknown_words_and_letters_are_fine(pair):
    _, tagger, _ = pair
    f = tagger.feats
    assert f.word_ids(["علی", "ناشناخته", "۷۷"]).tolist()[1] == 1
    assert f.char_ids(["ééé"]).tolist()[0][:3] == [1, 1, 1]
    assert tagger.spans([[]])[0] == [] and tagger.spans([]) == []


def test_component_round_trip(pair, tmp_path):
    import spacy
    from spacy.strings import StringStore
    from spacy.vectors import Vectors

    from welfare_nlp.pipeline.factories import register_tagger

    _, _, weights = pair
    register_tagger()
    nlp = spacy.blank("fa")
    nlp.vocab.vectors = Vectors(strings=StringStore(), data=np.random.RandomState(0).randn(40, 6).astype("float32"),
                                mode="floret", minn=2, maxn=3, hash_count=1)
    comp = nlp.add_pipe("welfare_tagger")
    assert isinstance(comp, TaggerComponent)
    with pytest.raises(Exception, match="E008|no weights"):
        comp.doc_spans([nlp.make_doc("x")])
    comp.from_disk(weights)
    nlp.to_disk(tmp_path / "model")
    assert sorted(p.name for p in (tmp_path / "model" / "welfare_tagger").iterdir()) == ["tagger.json", "tagger.npz"]
    again = spacy.load(tmp_path / "model")
    text = "علی احمدی در سازمان بهزیستی گفت. تهران\n\nامروز  گفت"
    doc = again(text)
    direct = again.get_pipe("welfare_tagger").doc_spans([again.make_doc(text)], "b")
    assert [(e.start, e.end, e.label_) for e in doc.ents] == again.get_pipe("welfare_tagger").doc_spans([doc])[0]
    for spans in (direct[0], [(e.start, e.end, e.label_) for e in doc.ents]):
        for s, e, _ in spans:
            assert not doc[s].is_space and not doc[e - 1].is_space
    assert json.loads((tmp_path / "model" / "welfare_tagger" / "tagger.json").read_text())["heads"][0]["name"] == "a"


def test_projection_cache_overflow_gives_the_same_numbers(pair):
    """The BiLSTM keeps each word's input projection; a cache too small for a batch, and one that has to
    make room (the most used half stays), give the numbers of an empty one."""
    _, tagger, _ = pair
    lstm = tagger.lstm_of("a")
    before = tagger.emissions(SENTENCES, "a")
    saved = lstm.rows, lstm.index, lstm.uses
    try:
        for size in (4, 9, 12):   # fewer rows than the distinct words; room for some; room after a clear
            lstm.CACHE, lstm.rows, lstm.index, lstm.uses = size, None, {}, []
            after = tagger.emissions(SENTENCES, "a")
            again = tagger.emissions(SENTENCES[:1], "a")
            third = tagger.emissions(SENTENCES[1:] + [["ناشناخته", "دیگر", "علی"]], "a")
            assert len(lstm.index) <= size
            for b, a in zip(before, after):
                np.testing.assert_allclose(a, b, atol=1e-6)
            np.testing.assert_allclose(again[0], before[0], atol=1e-6)
            np.testing.assert_allclose(third[0], before[1], atol=1e-6)
    finally:
        del lstm.CACHE
        lstm.rows, lstm.index, lstm.uses = saved


# -- the fast path against a plain reference -------------------------------------------------------------

def _plain_lstm(wih, whh, b, xs):
    """One direction, one sentence, one step at a time, torch's gate order and the textbook sigmoid."""
    h = whh.shape[1]
    hs, cs, out = np.zeros(h), np.zeros(h), []
    for x in xs:
        z = wih @ x + whh @ hs + b
        i, f, g, o = (1 / (1 + np.exp(-z[:h])), 1 / (1 + np.exp(-z[h:2 * h])), np.tanh(z[2 * h:3 * h]),
                      1 / (1 + np.exp(-z[3 * h:])))
        cs = f * cs + i * g
        hs = o * np.tanh(cs)
        out.append(hs)
    return np.array(out)


def _plain_viterbi(head, em):
    """Viterbi of one sentence, a loop over tags (ties to the lower tag, as argmax)."""
    k = len(head.end)
    score = head.start + em[0]
    back = []
    for t in range(1, len(em)):
        prev = score[:, None] + head.trans
        back.append(prev.argmax(axis=0))
        score = prev.max(axis=0) + em[t]
    best = [int((score + head.end).argmax())]
    for bp in reversed(back):
        best.append(int(bp[best[-1]]))
    assert all(0 <= b < k for b in best)
    return best[::-1]


@pytest.mark.parametrize("scheme", ["a", "b"])
def test_fast_path_equals_a_plain_reference(pair, scheme):
    """Emissions and tags of the batched network (projections cached, gates reordered and scaled for exp,
    sentences longest first without padding steps, vectorised Viterbi) against a one-sentence, one-step,
    float64 computation straight from the saved weights."""
    _, tagger, path = pair
    with np.load(path / "tagger.npz") as z:
        w = {k: z[k].astype("float64") for k in z.files}
    sfx = f"_{scheme}" if f"lstm_wih_f_{scheme}" in w else ""
    head = tagger.heads[scheme]
    sentences = SENTENCES + [["در", "تهران", "علی", "گفت"], ["z"], [], ["علی"] * 12]
    got_em = tagger.emissions(sentences, scheme)
    got_tags = tagger.tag(sentences, scheme)
    for s, em, tags in zip(sentences, got_em, got_tags):
        assert em.shape == (len(s), len(head.end)) and len(tags) == len(s)
        if not s:
            continue
        # the network's inputs as torch makes them: every word padded to WORD_CHARS letters (the random
        # weights here give the padding letter a non-zero embedding; a trained model's is zero)
        xs = tagger._word_inputs(s + ["x" * WORD_CHARS])[:-1].astype("float64")
        hf = _plain_lstm(w[f"lstm_wih_f{sfx}"], w[f"lstm_whh_f{sfx}"], w[f"lstm_b_f{sfx}"], xs)
        hb = _plain_lstm(w[f"lstm_wih_b{sfx}"], w[f"lstm_whh_b{sfx}"], w[f"lstm_b_b{sfx}"], xs[::-1])[::-1]
        want = np.concatenate([hf, hb], axis=1) @ w[f"out_w_{scheme}"].T + w[f"out_b_{scheme}"]
        np.testing.assert_allclose(em, want, atol=1e-5, rtol=1e-5)
        assert list(tags) == _plain_viterbi(head, want.astype("float32"))
    # each sentence alone gets what it gets in the batch
    for s, em in zip(sentences, got_em):
        np.testing.assert_allclose(tagger.emissions([s], scheme)[0], em, atol=1e-5)


def test_viterbi_padded_equals_one_sentence_at_a_time(pair):
    _, tagger, _ = pair
    head = tagger.heads["b"]
    rng = np.random.RandomState(3)
    lengths = [5, 0, 1, 9, 9, 3, 7, 2]
    ems = [rng.randn(n, len(head.end)).astype("float32") * 2 for n in lengths]
    got = head.viterbi(ems)
    for em, g in zip(ems, got):
        assert list(g) == (_plain_viterbi(head, em) if len(em) else [])
    assert head.viterbi([]) == []


@pytest.mark.parametrize("tags", [[0, 1, 2, 2, 0, 4, 4, 3, 0, 0, 2], [2, 1, 4, 3, 3, 0], [0, 0, 0], [1] * 4])
def test_tags_to_spans_equals_a_loop_over_every_token(tags):
    out, start, cur = [], None, None
    for i, t in enumerate(tags + [0]):
        if t and t % 2 == 0 and cur == (t - 2) // 2 and start is not None:
            continue
        if start is not None:
            out.append((start, i, LABELS[cur]))
            start, cur = None, None
        if t:
            start, cur = i, (t - 1) // 2
    assert tags_to_spans(tags, LABELS) == tags_to_spans(np.array(tags), LABELS) == out


def test_token_texts_come_from_the_docs_arrays():
    import spacy

    from welfare_nlp.ner.tagger import token_offsets, token_texts

    nlp = spacy.blank("fa")
    text = "علی احمدی در سازمان بهزیستی گفت. تهران\n\nامروز  گفت"
    doc = nlp.make_doc(text)
    assert token_texts(doc) == [t.text for t in doc]
    assert token_offsets(doc) == ([t.text for t in doc], [t.idx for t in doc])
    assert token_texts(doc, 10) == [t.text for t in doc if t.idx < 10]
    assert token_texts(doc, text=text) == [t.text for t in doc]
    assert token_texts(nlp.make_doc("")) == []


# -- pretraining the encoder as a language model ----------------------------------------------------------

@pytest.mark.parametrize("line, expected", [
    ("a b c d e . f g h i j ؟ k", [["a", "b", "c", "d", "e", "."], ["f", "g", "h", "i", "j", "؟"], ["k"]]),
    ("a b c d e f g", [["a", "b", "c", "d", "e", "f"], ["g"]]),          # cut at max_len
    ("", []),
])
def test_lm_sentences(tmp_path, line, expected):
    from welfare_nlp.training.tagger import lm_sentences

    f = tmp_path / "text.txt"
    f.write_text(line + "\n", encoding="utf-8")
    assert lm_sentences(f, max_len=6, min_len=1) == expected
    assert lm_sentences(f, max_len=6, min_len=5) == [s for s in expected if len(s) >= 5]   # short pieces dropped


_LM_WORDS = ["<pad>", "<unk>", "الف", "ب", "پ", "ت", "ث", "ج"]
_LM_CHARS = ["<pad>", "<unk>"] + sorted(set("".join(_LM_WORDS[2:])))


def _lm_corpus():
    # word order is fully predictable: a language model can drive its loss far down
    return [["الف", "ب", "پ", "ت", "ث", "ج"], ["ج", "ث", "ت", "پ", "ب", "الف"]] * 16


@pytest.mark.integration
def test_pretraining_learns_to_predict_neighbouring_words(tmp_path):
    pytest.importorskip("torch")
    from welfare_nlp.training.tagger import pretrain_encoder

    res = pretrain_encoder(_lm_corpus(), _LM_WORDS, _LM_CHARS, _Vectors(), tmp_path / "enc", SCHEMES, steps=60,
                           batch_size=8, lr=0.03, hidden=8, word_dim=5, char_dim=4, char_filters=7, dropout=0.0,
                           word_dropout=0.0, log_every=10)
    losses = [c["loss"] for c in res["curve"]]
    assert res["steps"] == 60 and len(losses) == 6
    # at random, a word is one of the 6 in its batch (log 6 = 1.79); after training, the forward and backward
    # models each know what comes next
    assert losses[0] > 1.0 and losses[-1] < 0.3 * losses[0]
    assert (tmp_path / "enc" / "encoder.pt").exists()


def test_training_starts_from_the_pretrained_encoder(tmp_path):
    torch = pytest.importorskip("torch")
    from welfare_nlp.training.tagger import Example, allowed_sets, pretrain_encoder, train_tagger

    sents = _lm_corpus()
    train = [Example(s, allowed_sets(["O"] * len(s), s, SCHEMES["a"]), set(), "a") for s in sents]
    kw = dict(hidden=8, word_dim=5, char_dim=4, char_filters=7)
    # the tagger's vocabularies come from its training sentences: pretrain with the same ones
    from welfare_nlp.training.tagger import build_vocab

    words, chars = build_vocab(train)
    pretrain_encoder(sents, words, chars, _Vectors(), tmp_path / "enc", SCHEMES, steps=3, batch_size=8, **kw)
    saved = torch.load(tmp_path / "enc" / "encoder.pt", weights_only=True)["state"]
    # learning rate 0: the weights written after the epoch are the pretrained ones
    train_tagger(train, {}, _Vectors(), SCHEMES, tmp_path / "w", epochs=1, lr=0.0, pretrained=tmp_path / "enc", **kw)
    w = np.load(tmp_path / "w" / "tagger.npz")
    np.testing.assert_array_equal(w["lstm_whh_f"], saved["lstm.weight_hh_l0"].numpy())
    np.testing.assert_array_equal(w["conv_w"], saved["conv.weight"].numpy())
    np.testing.assert_array_equal(w["wemb"], saved["wemb.weight"].numpy())
    # the language models' output maps are saved with the encoder; with lm_weight they go on as a second
    # task: at learning rate 0 the epoch's loss is the tagging loss plus lm_weight times the LM loss
    assert set(torch.load(tmp_path / "enc" / "encoder.pt", weights_only=True)["proj"]) >= {"fwd.weight", "bwd.weight"}
    plain = train_tagger(train, {}, _Vectors(), SCHEMES, tmp_path / "w3", epochs=1, lr=0.0, dropout=0.0,
                         word_dropout=0.0, pretrained=tmp_path / "enc", **kw)["history"][0]["loss"]
    both = train_tagger(train, {}, _Vectors(), SCHEMES, tmp_path / "w3", epochs=1, lr=0.0, dropout=0.0,
                        word_dropout=0.0, pretrained=tmp_path / "enc", lm_weight=1.0, **kw)["history"][0]["loss"]
    assert both - plain > 1.0       # the LM loss of a barely trained model: about log 6 (6 words a batch)
    # oversampling a head's corpora: its sentences are seen that many times an epoch, the mean loss unchanged
    over = train_tagger(train, {}, _Vectors(), SCHEMES, tmp_path / "w3", epochs=1, lr=0.0, dropout=0.0,
                        word_dropout=0.0, pretrained=tmp_path / "enc", oversample={"a": 3}, **kw)["history"][0]
    assert over["sentences"] == 3 * len(train)
    assert over["loss"] == pytest.approx(plain, rel=1e-3)
    # an encoder pretrained on other vocabularies is refused, with the way out
    with pytest.raises(ValueError, match="pretrain it again"):
        train_tagger(train[:1], {}, _Vectors(), SCHEMES, tmp_path / "w2", epochs=1, pretrained=tmp_path / "enc", **kw)


def test_cross_head_maps_name_real_labels():
    """Every label in ner_train.CROSS exists on its side: the source head's corpus labels, the target head's."""
    from welfare_nlp.training.ner import CROSS, SCHEMES

    for (src, dst), (type_map, outside) in CROSS.items():
        assert set(type_map) <= set(SCHEMES[src][0]), (src, dst)
        targets = {t for ts in type_map.values() for t in ts} | set(outside)
        assert targets <= set(SCHEMES[dst][0]), (src, dst)


# -- heads with a hidden layer, heads with a BiLSTM of their own ------------------------------------------

def _export_random(tmp_path, head_hidden=0, seed=3):
    torch = pytest.importorskip("torch")
    from welfare_nlp.training.tagger import export, make_net

    torch.manual_seed(seed)
    words = ["<pad>", "<unk>", "علی", "در", "گفت"]
    chars = ["<pad>", "<unk>"] + sorted({c for s in SENTENCES for w in s for c in w})
    net = make_net(len(words), len(chars), SCHEMES, 6, 5, 4, 7, 9, 0.3, len(GAZETTEERS), head_hidden)
    with torch.no_grad():
        for p in net.parameters():
            p.uniform_(-0.5, 0.5)
    net.eval()
    meta = {"heads": [{"name": k, "labels": v} for k, v in SCHEMES.items()], "words": words, "chars": chars,
            "hidden": 9, "word_dim": 5, "char_dim": 4, "char_filters": 7, "gazetteers": list(GAZETTEERS),
            "head_hidden": head_hidden}
    export(net, tmp_path, meta)
    return net


@pytest.mark.parametrize("scheme", ["a", "b"])
def test_heads_with_a_hidden_layer_numpy_equals_torch(tmp_path, scheme):
    net = _export_random(tmp_path, head_hidden=5)
    tagger = Tagger(tmp_path, _Vectors())
    assert tagger.heads[scheme].mid_w.shape == (18, 5)
    for g, w in zip(tagger.emissions(SENTENCES, scheme), _torch_emissions(net, tagger, SENTENCES, scheme)):
        np.testing.assert_allclose(g, w, atol=1e-4, rtol=1e-4)


def test_export_round_trip_to_torch(tmp_path):
    """``net_from_export`` (what ``specialise_head`` starts from) rebuilds the exported network exactly."""
    from welfare_nlp.training.tagger import net_from_export

    _export_random(tmp_path, head_hidden=4)
    tagger = Tagger(tmp_path, _Vectors())
    meta = json.loads((tmp_path / "tagger.json").read_text())
    with np.load(tmp_path / "tagger.npz") as z:
        again = net_from_export(meta, {k: z[k] for k in z.files}, 6)
    again.eval()
    for scheme in SCHEMES:
        for g, w in zip(tagger.emissions(SENTENCES, scheme), _torch_emissions(again, tagger, SENTENCES, scheme)):
            np.testing.assert_allclose(g, w, atol=1e-4, rtol=1e-4)


def _examples(scheme, n=24):
    from welfare_nlp.training.tagger import Example, allowed_sets

    out = []
    for i in range(n):
        words = ["علی", "احمدی", "در", "سازمان", "بهزیستی", "گفت"][: 3 + i % 4]
        tags = ["B-PER", "I-PER", "O", "B-ORG", "I-ORG", "O"][: len(words)]
        out.append(Example(words, allowed_sets(tags, words, SCHEMES[scheme]), scheme=scheme))
    return out


def test_specialise_gives_one_head_its_own_bilstm_and_leaves_the_rest(tmp_path):
    from welfare_nlp.training.tagger import net_from_export, specialise_head

    _export_random(tmp_path)
    before = Tagger(tmp_path, _Vectors())
    with np.load(tmp_path / "tagger.npz") as z:
        shared = {k: z[k].copy() for k in z.files}
    rows = specialise_head(tmp_path, "a", _examples("a") + _examples("b"), _Vectors(), epochs=3, lr=0.01,
                           threads=1)
    assert [r["epoch"] for r in rows] == [1, 2, 3] and rows[-1]["loss"] < rows[0]["loss"]
    after = Tagger(tmp_path, _Vectors())
    assert set(after.lstms) == {None, "a"}
    with np.load(tmp_path / "tagger.npz") as z:
        for k, v in shared.items():        # the shared encoder and the other head: not a bit changed
            if not k.endswith("_a"):
                np.testing.assert_array_equal(z[k], v)
        assert {"lstm_wih_f_a", "lstm_b_b_a"} <= set(z.files)
    for g, w in zip(after.emissions(SENTENCES, "b"), before.emissions(SENTENCES, "b")):
        np.testing.assert_array_equal(g, w)
    changed = [np.abs(g - w).max() for g, w in zip(after.emissions(SENTENCES, "a"), before.emissions(SENTENCES, "a"))]
    assert max(changed) > 1e-3
    # the numpy network runs head a through its own BiLSTM, as torch does with those weights
    meta = json.loads((tmp_path / "tagger.json").read_text())
    assert meta["specialised"]["a"]["sentences"] == 24
    with np.load(tmp_path / "tagger.npz") as z:
        net = net_from_export(meta, {k: z[k] for k in z.files}, 6, lstm_of="a")
    net.eval()
    for g, w in zip(after.emissions(SENTENCES, "a"), _torch_emissions(net, after, SENTENCES, "a")):
        np.testing.assert_allclose(g, w, atol=1e-4, rtol=1e-4)
    with pytest.raises(ValueError, match="no head named 'c'"):
        specialise_head(tmp_path, "c", _examples("a"), _Vectors(), epochs=1, threads=1)


def test_specialise_can_keep_to_some_of_the_heads_corpora(tmp_path):
    """``corpora``: the head's own BiLSTM learns from those corpora's sentences only (``SPECIALISE_ON``: the
    ``peyma`` head from PEYMA train, not its 600K part)."""
    from welfare_nlp.training.ner import SPECIALISE_ON
    from welfare_nlp.training.tagger import specialise_head

    _export_random(tmp_path)
    exs = _examples("a", n=10) + _examples("a", n=7)
    for i, ex in enumerate(exs):
        ex.corpus = "own" if i < 10 else "other"
    specialise_head(tmp_path, "a", exs, _Vectors(), epochs=1, threads=1, corpora=("own",))
    meta = json.loads((tmp_path / "tagger.json").read_text())
    assert meta["specialised"]["a"]["sentences"] == 10 and meta["specialised"]["a"]["corpora"] == ["own"]
    assert SPECIALISE_ON["peyma"] == ("peyma",)


def test_pretraining_is_reused_only_when_asked_the_same(tmp_path):
    pytest.importorskip("torch")
    from welfare_nlp.training.tagger import pretrain_encoder, pretrain_settings, pretrained_as_asked

    corpus = _lm_corpus()
    kw = dict(steps=4, batch_size=8, hidden=8, word_dim=5, char_dim=4, char_filters=7, log_every=2)
    res = pretrain_encoder(corpus, _LM_WORDS, _LM_CHARS, _Vectors(), tmp_path, SCHEMES, **kw)
    kw.pop("log_every")
    same = pretrain_settings(corpus, **kw)
    assert pretrained_as_asked(tmp_path, _LM_WORDS, _LM_CHARS, same) == json.loads(json.dumps(res))
    assert pretrained_as_asked(tmp_path, _LM_WORDS, _LM_CHARS, pretrain_settings(corpus, **dict(kw, steps=5))) is None
    assert pretrained_as_asked(tmp_path, _LM_WORDS, _LM_CHARS, pretrain_settings(corpus + [["ب"]], **kw)) is None
    other = [list(reversed(s)) for s in corpus]            # as many sentences, other text
    assert pretrained_as_asked(tmp_path, _LM_WORDS, _LM_CHARS, pretrain_settings(other, **kw)) is None
    assert pretrained_as_asked(tmp_path, _LM_WORDS[:-1], _LM_CHARS, same) is None
    assert pretrained_as_asked(tmp_path / "nothing", _LM_WORDS, _LM_CHARS, same) is None


def _conll(path, sentences):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join("\n".join(f"{w} {t}" for w, t in s) for s in sentences) + "\n", encoding="utf-8")


@pytest.mark.parametrize("separate", [False, True])
def test_tagger_corpora_put_each_corpus_on_its_head(tmp_path, separate):
    """PEYMA train and its 600K part train one head, or two with ``--separate-600k`` (the same labels);
    a sentence the 600K part repeats from PEYMA train is kept once, on PEYMA's side."""
    from welfare_nlp.training.ner import LABELS, tagger_corpora

    peyma = [[("مجلس", "B-ORG"), ("شورای", "I-ORG"), ("اسلامی", "I-ORG")], [("در", "O"), ("تهران", "B-LOC")]]
    _conll(tmp_path / "ner/peyma/train.conll", peyma)
    _conll(tmp_path / "ner/peyma/dev.conll", peyma[1:])
    _conll(tmp_path / "ner/peyma_600k/train.conll", [[("مجلس", "B-ORG"), ("گفت", "O")], peyma[1]])
    _conll(tmp_path / "ner/arman/train.conll", [[("آمریکا", "B-ORG"), ("گفت", "O")]])
    _conll(tmp_path / "ner/arman/dev.conll", [[("ایران", "B-LOC")]])
    _conll(tmp_path / "ner/parsner_news/train.conll", [[("علی", "B-PER"), ("آمد", "O")]])
    train, devs, schemes = tagger_corpora(tmp_path, separate_600k=separate)
    by = {" ".join(ex.words): ex.scheme for ex in train}
    assert by == {"مجلس شورای اسلامی": "peyma", "در تهران": "peyma",
                  "مجلس گفت": "peyma_600k" if separate else "peyma", "آمریکا گفت": "arman", "علی آمد": "parsner"}
    assert list(schemes) == (["peyma", "peyma_600k", "arman", "parsner"] if separate else ["peyma", "arman", "parsner"])
    assert schemes["peyma"] == LABELS and schemes.get("peyma_600k", LABELS) == LABELS
    assert devs["peyma"][2] == "peyma" and devs["arman"][2] == "arman"


def _allowed_tags(ex, labels):
    from welfare_nlp.ner.tagger import tag_names

    names = tag_names(labels)
    return [sorted(names[k] for k in range(len(names)) if row[k]) for row in ex.allowed]


def test_open_600k_org_leaves_only_the_600k_parts_org_decisions_open(tmp_path):
    """``--open-600k-org``: in the 600K part, O / B-ORG / I-ORG tokens may be any of the three; its other
    labels stay as annotated, and PEYMA train is untouched."""
    from welfare_nlp.training.ner import LABELS, tagger_corpora

    peyma = [[("مجلس", "O"), ("تعطیل", "O"), ("شد", "O")]]
    _conll(tmp_path / "ner/peyma/train.conll", peyma)
    _conll(tmp_path / "ner/peyma/dev.conll", peyma)
    _conll(tmp_path / "ner/peyma_600k/train.conll",
           [[("مجلس", "B-ORG"), ("گفت", "O"), ("علی", "B-PER"), ("۲۰", "B-MON"), ("تومان", "I-MON")]])
    _conll(tmp_path / "ner/arman/train.conll", [[("آمریکا", "B-ORG"), ("گفت", "O")]])
    _conll(tmp_path / "ner/arman/dev.conll", [[("ایران", "B-LOC")]])
    _conll(tmp_path / "ner/parsner_news/train.conll", [[("علی", "B-PER"), ("آمد", "O")]])
    plain, _, _ = tagger_corpora(tmp_path)
    opened, _, schemes = tagger_corpora(tmp_path, open_600k_org=True)
    assert list(schemes) == ["peyma", "arman", "parsner"]
    assert [ex.corpus for ex in plain] == ["peyma", "peyma_600k", "arman", "parsner_news"]
    org_or_o = ["B-ORG", "I-ORG", "O"]
    by = {" ".join(ex.words): ex for ex in opened}
    assert _allowed_tags(by["مجلس گفت علی 20 تومان"], LABELS) == [org_or_o, org_or_o, ["B-PER"], ["B-MON"], ["I-MON"]]
    assert _allowed_tags(by["مجلس تعطیل شد"], LABELS) == [["O"]] * 3
    before = {" ".join(ex.words): ex for ex in plain}
    assert _allowed_tags(before["مجلس گفت علی 20 تومان"], LABELS) == [["B-ORG"], ["O"], ["B-PER"], ["B-MON"], ["I-MON"]]
    assert all((ex.allowed == by[k].allowed).all() for k, ex in before.items() if ex.scheme != "peyma" or k == "مجلس تعطیل شد")


@pytest.mark.parametrize("loc, org, contested", [(5, 2, True), (5, 1, False), (10, 2, False), (0, 3, False)])
def test_contested_names_need_org_often_enough_and_a_loc(loc, org, contested):
    from welfare_nlp.training.ner import contested_names
    from welfare_nlp.training.tagger import Example

    exs = [Example(["در", "روسیه"], None, {(1, 2, "LOC")}, "arman") for _ in range(loc)]
    exs += [Example(["روسیه", "گفت"], None, {(0, 1, "ORG")}, "arman") for _ in range(org)]
    assert (contested_names(exs) == {"روسیه"}) is contested


def test_open_contested_lets_loc_spans_of_contested_names_be_org(tmp_path):
    """``--open-contested``: ARMAN's LOC spans of a name it also calls ORG (2 of 6 here) may be ORG, with
    their boundaries; its ORG spans, other LOC spans and the other corpora are untouched."""
    from welfare_nlp.training.ner import SCHEMES, open_contested_arman, tagger_corpora, train_tagger_model

    arman = [[("رئیس‌جمهور", "O"), ("کره", "B-LOC"), ("جنوبی", "I-LOC"), ("و", "O"), ("تهران", "B-LOC")]] * 4
    arman = [[(w + str(i) if t == "O" else w, t) for w, t in s] for i, s in enumerate(arman)]
    arman += [[("کره", "B-ORG"), ("جنوبی", "I-ORG"), ("گفت", "O")], [("دولت", "O"), ("کره", "B-ORG"), ("جنوبی", "I-ORG")]]
    _conll(tmp_path / "ner/peyma/train.conll", [[("کره", "B-LOC"), ("جنوبی", "I-LOC")]])
    _conll(tmp_path / "ner/peyma/dev.conll", [[("ایران", "B-LOC")]])
    _conll(tmp_path / "ner/peyma_600k/train.conll", [[("ایران", "B-LOC"), ("است", "O")]])
    _conll(tmp_path / "ner/arman/train.conll", arman)
    _conll(tmp_path / "ner/arman/dev.conll", [[("ایران", "B-LOC")]])
    _conll(tmp_path / "ner/parsner_news/train.conll", [[("علی", "B-PER"), ("آمد", "O")]])
    plain, _, _ = tagger_corpora(tmp_path)
    opened, _, _ = tagger_corpora(tmp_path)
    assert open_contested_arman(opened) == (4, 1)      # 4 LOC spans of one name (کره جنوبی)
    labels = SCHEMES["arman"][0]
    first = next(ex for ex in opened if ex.words[0] == "رئیس‌جمهور0")
    assert _allowed_tags(first, labels) == [["O"], ["B-LOC", "B-ORG"], ["I-LOC", "I-ORG"], ["O"], ["B-LOC"]]
    said = next(ex for ex in opened if ex.words[-1] == "گفت")
    assert _allowed_tags(said, labels) == [["B-ORG"], ["I-ORG"], ["O"]]
    for ex, ex0 in zip(opened, plain):
        if ex.scheme != "arman":
            assert (ex.allowed == ex0.allowed).all()
    # the shared training sees ARMAN as annotated: the option only serves --specialise arman
    with pytest.raises(ValueError, match="--specialise arman"):
        train_tagger_model(tmp_path, tmp_path / "work", tmp_path / "vectors", contested=True)

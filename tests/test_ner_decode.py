"""The vectorised greedy decoder (welfare_nlp.ner_decode) against spaCy's own decoder, on real text:
same model, so the same entities are expected, document by document.

The decoder serves spaCy transition-based NER pipelines (``welfare_nlp.load(ner=DIR)``); the one tested is
``models/ner_cnn``, the CNN model that shipped before the BiLSTM-CRF tagger."""
import gzip
import itertools
import json

import pytest

from welfare_nlp import ner
from welfare_nlp.ner_decode import GreedyNER
from welfare_nlp.normalize import normalize_text

from conftest import SHARED, needs_shared

NEWS = SHARED / "data" / "news" / "iranian_news_2020.jsonl.gz"
DEV = SHARED / "dev" / "dev.jsonl"
CNN = ner.DEFAULT_MODEL.parent / "ner_cnn"
pytestmark = pytest.mark.skipif(not ner.available(CNN), reason="models/ner_cnn is not present")


@pytest.fixture(scope="module")
def models():
    fast = ner.SpacyNER(CNN)
    slow = ner.SpacyNER(CNN, fast=False)
    assert fast.decoder is not None and slow.decoder is None
    return fast, slow


def _spans(ents):
    return [(e.label, e.start, e.end) for e in ents]


@needs_shared(NEWS)
def test_same_entities_as_spacy_on_news(models):
    fast, slow = models
    with gzip.open(NEWS, "rt", encoding="utf-8") as fh:
        texts = [normalize_text(json.loads(line)["text"]) for line in itertools.islice(fh, 2000, 2150)]
    got, expected = fast.many(texts), slow.many(texts)
    assert sum(map(len, expected)) > 1000
    assert [_spans(g) for g in got] == [_spans(e) for e in expected]


@needs_shared(DEV)
def test_same_entities_as_spacy_document_by_document(models):
    fast, slow = models
    texts = [normalize_text(json.loads(line)["text"]) for line in DEV.read_text(encoding="utf-8").splitlines()]
    for text in texts:  # one document per call: the decoder's single-lane case
        assert _spans(fast.many([text])[0]) == _spans(slow.many([text])[0])


@pytest.mark.parametrize("text", [
    "",                                   # nothing to decode
    "\n\n  \n",                            # only whitespace tokens: no entity may start on one
    "تهران",                              # one token
    "سعید پورعلی\n\nدر تهران گفت",
    "وزیر تعاون، کار و رفاه اجتماعی محمد شریعتمداری در اصفهان",
])
def test_edge_documents(models, text):
    fast, slow = models
    assert _spans(fast(text)) == _spans(slow(text))
    for e in fast(text):
        assert text[e.start:e.end].strip() == text[e.start:e.end]


def test_mixed_batch_keeps_each_documents_entities(models):
    fast, _ = models
    texts = ["سعید پورعلی در تهران گفت", "", "محمد شریعتمداری در اصفهان", "تهران"]
    alone = [_spans(fast(t)) for t in texts]
    assert [_spans(x) for x in fast.many(texts)] == alone


def test_preset_entities_go_to_spacy(models):
    fast, _ = models
    nlp = fast.nlp
    doc = nlp.make_doc("سعید پورعلی در تهران گفت")
    doc.ents = [doc.char_span(0, 11, label="PER")]
    # spaCy's rules for preset entities apply: the decoder hands the batch over, and the preset stays
    assert (0, 2, "PER") in fast.decoder([doc])[0]


def test_only_supported_pipelines():
    import spacy

    assert not GreedyNER.supported(spacy.blank("fa"))


def test_groups_bound_tokens_and_keep_every_document():
    class D:
        def __init__(self, n):
            self.n = n

        def __len__(self):
            return self.n

    docs = [D(n) for n in (5, 3000, 10, 7000, 9000, 1, 0)]
    groups = ner._groups(docs, batch_size=3, max_tokens=8000)
    assert sorted(k for g in groups for k in g) == list(range(len(docs)))
    for g in groups:
        assert len(g) <= 3
        assert len(g) == 1 or sum(len(docs[k]) for k in g) <= 8000


def test_vector_cache_gives_spacys_vectors(models):
    import numpy as np

    fast, _ = models
    vectors = fast.nlp.vocab.vectors
    cache = ner._VectorCache(vectors, max_keys=3)
    keys = np.array([fast.nlp.vocab.strings.add(w) for w in ["تهران", "وزیر", "تهران", "کار", "رفاه", "وزیر"]],
                    dtype="uint64")
    first = cache.get_batch(keys)
    again = cache.get_batch(keys)   # now partly from the cache (3 of 4 words fit)
    direct = np.asarray(vectors.get_batch(keys), dtype="float32")
    assert np.array_equal(first, direct) and np.array_equal(again, direct)
    assert len(cache.index) == 3

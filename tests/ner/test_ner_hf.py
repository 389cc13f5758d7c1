"""The Hugging Face backend, on a tiny token classifier built here (random weights, a tokenizer
trained on our own corpus): offsets back to characters, label mapping, safetensors only."""
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")

from welfare_nlp.errors import UnsafeModel  # noqa: E402
from welfare_nlp.ner.hf import HFTokenClassifier, split_label  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
LABELS = {0: "O", 1: "B-person", 2: "I-person", 3: "B-location", 4: "I-location"}


def _tiny_model(path: Path, always: int) -> Path:
    from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertForTokenClassification, PreTrainedTokenizerFast

    from welfare_nlp.text.normalize import normalize_text

    texts = [normalize_text(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "corpus").glob("*.txt"))]
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok.train_from_iterator(texts, trainers.WordPieceTrainer(vocab_size=300, special_tokens=specials))
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                                   sep_token="[SEP]", mask_token="[MASK]")
    fast.save_pretrained(path)
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(fast), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, num_labels=len(LABELS), id2label=LABELS,
                        label2id={v: k for k, v in LABELS.items()})
    model = BertForTokenClassification(config)
    with torch.no_grad():  # make the prediction known: one label always wins
        model.classifier.weight.zero_()
        model.classifier.bias.zero_()
        model.classifier.bias[always] = 10.0
    model.save_pretrained(path, safe_serialization=True)
    return path


@pytest.fixture(scope="module")
def loc_model(tmp_path_factory):
    return _tiny_model(tmp_path_factory.mktemp("loc"), always=3)   # every piece B-location


@pytest.fixture(scope="module")
def per_model(tmp_path_factory):
    return _tiny_model(tmp_path_factory.mktemp("per"), always=2)   # every piece I-person


def test_word_pieces_map_back_to_words(loc_model):
    clf = HFTokenClassifier(loc_model)
    text = "استانداری کرمانشاه و یزد"
    ents = clf(text)
    assert [(text[e.start:e.end], e.label) for e in ents] == [
        ("استانداری", "LOC"), ("کرمانشاه", "LOC"), ("و", "LOC"), ("یزد", "LOC")]
    assert all(e.source == f"model:hf:{loc_model.name}" and 0 < e.score <= 1 for e in ents)


def test_inside_labels_continue_an_entity(per_model):
    clf = HFTokenClassifier(per_model)
    text = "محمد رضایی گفت\nعلی"
    assert [(text[e.start:e.end], e.label) for e in clf(text)] == [("محمد رضایی گفت", "PER"), ("علی", "PER")]


def test_offsets_into_the_original_text_through_the_pipeline(loc_model):
    import welfare_nlp

    nlp = welfare_nlp.load(ner=str(loc_model))
    raw = "استانداري\u00a0كرمانشاه"
    rec = nlp(raw)._.record
    model_ents = [e for e in rec.entities if e.source.startswith("model:hf")]
    assert [e.text for e in model_ents] == ["استانداري", "كرمانشاه"]
    assert all(raw[e.start:e.end] == e.text for e in model_ents)


def test_predict_tokens_for_evaluation(loc_model):
    clf = HFTokenClassifier(loc_model)
    assert clf.predict_tokens(["کرمان", "و", "یزد"]) == [(0, 1, "LOC"), (1, 2, "LOC"), (2, 3, "LOC")]


def test_pickle_weights_are_refused(tmp_path):
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    (tmp_path / "pytorch_model.bin").write_bytes(b"not loaded")
    with pytest.raises(UnsafeModel):
        HFTokenClassifier(tmp_path)


@pytest.mark.parametrize("raw,expected", [
    ("B-person", ("B", "PER")), ("I-LOCATION", ("I", "LOC")), ("B_GPE", ("B", "LOC")), ("U-ORG", ("B", "ORG")),
    ("O", ("O", "")), ("MISC", ("I", "MISC")), ("B-MONEY", ("B", "MON")),
])
def test_label_mapping(raw, expected):
    assert split_label(raw) == expected

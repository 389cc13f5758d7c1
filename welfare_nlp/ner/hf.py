"""Optional NER backend: a Hugging Face token-classification model already on disk (a ParsBERT NER,
say), used with ``welfare_nlp.load(ner="path/to/dir")``.

Needs the ``hf`` extra (transformers + torch), imported only here. Only ``*.safetensors`` weights are
loaded (never pickle: ``pytorch_model.bin`` is refused) and nothing is downloaded (``local_files_only``).
Word-piece predictions are mapped back to character offsets with the fast tokenizer's offset mapping;
label names are mapped to ours (``B-person`` -> PER, ``I-LOCATION`` -> LOC, ``B-GPE`` -> LOC ...).
"""
from __future__ import annotations

from pathlib import Path

from welfare_nlp.errors import ModelNotFound, UnsafeModel
from welfare_nlp.ner.pieces import pieces
from welfare_nlp.text.context import Entity

LABEL_MAP = {
    "PER": "PER", "PERS": "PER", "PERSON": "PER", "PEOPLE": "PER",
    "ORG": "ORG", "ORGANIZATION": "ORG", "ORGANISATION": "ORG",
    "LOC": "LOC", "LOCATION": "LOC", "GPE": "LOC", "FAC": "FAC", "FACILITY": "FAC",
    "DAT": "DAT", "DATE": "DAT", "TIM": "TIM", "TIME": "TIM", "MON": "MON", "MONEY": "MON",
    "PCT": "PCT", "PERCENT": "PCT", "EVENT": "EVENT", "PRO": "PRO", "PRODUCT": "PRO", "MISC": "MISC",
}
CALL_CHARS = 1500  # characters per model call; longer paragraphs are cut at spaces


def split_label(raw: str) -> tuple[str, str]:
    """('B'|'I'|'O', our label) from a model label such as ``B-person``, ``I_LOC``, ``U-ORG``, ``O``."""
    raw = str(raw)
    if raw.upper() in ("O", "OUTSIDE", "LABEL_O"):
        return "O", ""
    prefix, sep, name = raw.replace("_", "-").partition("-")
    if not sep:
        prefix, name = "I", raw
    prefix = prefix.upper()
    prefix = "B" if prefix in ("B", "U", "S") else "I"
    return prefix, LABEL_MAP.get(name.upper(), name.upper())


class HFTokenClassifier:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not (self.path / "config.json").exists():
            raise ModelNotFound(str(self.path))
        if not any(self.path.glob("*.safetensors")):
            raise UnsafeModel(f"{self.path} has no *.safetensors weights")
        try:  # the hf extra (torch, transformers: seconds to import), needed only by this backend
            import torch
            from transformers import AutoModelForTokenClassification, AutoTokenizer
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("the Hugging Face NER backend needs: pip install 'welfare_nlp[hf]'") from exc
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
        if not getattr(self.tokenizer, "is_fast", False):
            raise ValueError(f"{self.path}: a fast tokenizer (tokenizer.json) is needed for character offsets")
        self.model = AutoModelForTokenClassification.from_pretrained(self.path, local_files_only=True,
                                                                     use_safetensors=True)
        self.model.eval()
        self.labels = {int(i): split_label(lab) for i, lab in self.model.config.id2label.items()}
        self.source = f"model:hf:{self.path.name}"

    def _chunks(self, text: str):
        for offset, para in pieces(text):
            while len(para) > CALL_CHARS:
                cut = para.rfind(" ", 0, CALL_CHARS)
                cut = cut if cut > 0 else CALL_CHARS
                yield offset, para[:cut]
                offset, para = offset + cut, para[cut:]
            yield offset, para

    def __call__(self, text: str) -> list[Entity]:
        out: list[Entity] = []
        for offset, chunk in self._chunks(text):
            out.extend(self._predict(chunk, offset))
        return out

    def _predict(self, text: str, offset: int) -> list[Entity]:
        enc = self.tokenizer(text, return_offsets_mapping=True, truncation=True, max_length=512, return_tensors="pt")
        offsets = enc.pop("offset_mapping")[0].tolist()
        with self.torch.no_grad():
            probs = self.torch.softmax(self.model(**enc).logits[0], dim=-1)
        conf, ids = probs.max(dim=-1)
        ents: list[list] = []  # [start, end, label, [scores]]
        prev_end = -1
        for (s, e), i, c in zip(offsets, ids.tolist(), conf.tolist()):
            if e <= s:  # special tokens
                continue
            prefix, label = self.labels.get(i, ("O", ""))
            continues_word = ents and s == prev_end and ents[-1][1] == prev_end
            if continues_word:
                # a word piece inside a word belongs to the word's entity, whatever its own label
                ents[-1][1] = e
                ents[-1][3].append(c)
            elif prefix == "O":
                pass
            elif prefix == "I" and ents and ents[-1][2] == label and ents[-1][1] == prev_end \
                    and text[prev_end:s].strip() == "" and "\n" not in text[prev_end:s]:  # never across lines
                ents[-1][1] = e
                ents[-1][3].append(c)
            else:
                ents.append([s, e, label, [c]])
            prev_end = e
        return [Entity(lab, offset + s, offset + e, self.source, round(sum(cs) / len(cs), 4))
                for s, e, lab, cs in ents]

    def predict_tokens(self, words: list[str]) -> list[tuple[int, int, str]]:
        text = " ".join(words)
        starts, pos = [], 0
        for w in words:
            starts.append(pos)
            pos += len(w) + 1
        out = []
        for ent in self(text):
            try:
                a = starts.index(ent.start)
            except ValueError:
                continue
            b = a
            while b < len(words) and starts[b] + len(words[b]) <= ent.end:
                b += 1
            if b > a and starts[b - 1] + len(words[b - 1]) == ent.end:
                out.append((a, b, ent.label))
        return out


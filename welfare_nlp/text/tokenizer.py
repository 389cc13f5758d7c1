"""The spaCy tokenizer of welfare_nlp: normalises the text, keeps the map back to the raw input
in ``doc._.wnlp`` (a ``DocContext``) and tokenises the normalised text with spaCy's Persian rules.

``doc.text`` is the normalised text; ``doc._.wnlp.nt.to_raw(start, end)`` maps any span back,
and ``doc._.record`` has every item with offsets into the original input.
"""
from __future__ import annotations

from welfare_nlp.errors import NotText, NotUnicode
from welfare_nlp.text.context import DocContext
from welfare_nlp.text.normalize import normalize


class NormalizingTokenizer:
    """Wraps spaCy's Persian tokenizer (same vocab) with the offset-keeping normaliser."""

    def __init__(self, inner):
        self.inner = inner
        self.vocab = inner.vocab

    def __call__(self, text: str):
        if not isinstance(text, str):
            raise NotText(type(text).__name__)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise NotUnicode(f"character {exc.start}") from None
        nt = normalize(text)
        doc = self.inner(nt.text)
        doc._.wnlp = DocContext(nt=nt)
        return doc

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    # spaCy serialisation hooks delegate to the wrapped tokenizer
    def to_bytes(self, **kwargs) -> bytes:
        return self.inner.to_bytes(**kwargs)

    def from_bytes(self, data: bytes, **kwargs):
        self.inner.from_bytes(data, **kwargs)
        return self

    def to_disk(self, path, **kwargs) -> None:
        self.inner.to_disk(path, **kwargs)

    def from_disk(self, path, **kwargs):
        self.inner.from_disk(path, **kwargs)
        return self

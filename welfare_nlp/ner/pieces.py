"""Cutting a long text into the pieces a NER model reads side by side."""
from __future__ import annotations

MAX_PARAGRAPH = 20_000   # a longer text is cut at line breaks or spaces ...
LONG_PIECE = 4_000       # ... into pieces of at most this many characters


def pieces(text: str):
    """(offset, piece) pieces of the text for the model. A document of at most MAX_PARAGRAPH characters
    (nearly all of them) is one piece; a longer one is cut at line breaks where possible (at spaces
    inside a longer line) into pieces of at most LONG_PIECE characters, which the decoder then takes
    side by side instead of one token after another."""
    start, n = 0, len(text)
    size = MAX_PARAGRAPH if n <= MAX_PARAGRAPH else LONG_PIECE
    while start < n:
        end = min(n, start + size)
        if end < n:
            cut = text.rfind("\n", start, end)
            if cut <= start:
                cut = text.rfind(" ", start, end)
            end = cut + 1 if cut > start else end
        piece = text[start:end]
        if piece.strip():
            yield start, piece
        start = end

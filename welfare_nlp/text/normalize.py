"""Normalise real-world Persian text while keeping the way back to the original.

Every character of the normalised text remembers the span of the raw text it came from
(``starts[i]``/``ends[i]``), so any span found on the normalised text maps back to exact
offsets in the input: ``raw[start:end]``.

What changes (and what never does):

* Arabic letter variants (ي ى ك ة ۀ ھ أ إ) become Persian ones; diacritics and tatweel go.
* Persian and Arabic-Indic digits become ASCII digits; the Arabic thousands separator
  becomes ``,``, the Arabic decimal separator ``.``, ``٪`` becomes ``%``. Numbers such as
  ``2,500``, ``۲٬۵۰۰``, ``۶٫۵``, ``6/14 %`` and ``1398/06/13`` stay whole.
* No-break and other exotic spaces become a space; runs of spaces shrink to one; bidi
  controls and zero-width characters other than ZWNJ are removed; ``\\r\\n`` becomes ``\\n``.
* ZWNJ is repaired for common affixes (``می``/``نمی`` prefixes; ``ها``, ``های``, ``ترین``,
  ``ای``, ``اند`` suffixes) and a few very common verbs written without it.
* Letters glued to numbers (``۲۵۰۰نفر``, ``60درصد``) and words glued to punctuation
  (``خوزستان،معاون``, ``گفت:طرح``) are separated by a space.
"""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import numpy as np

ZWNJ = "\u200c"

_CHAR_MAP: dict[str, str] = {
    "ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "ھ": "ه", "ہ": "ه",
    "أ": "ا", "إ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "\u066c": ",",  # Arabic thousands separator
    "\u066b": ".",  # Arabic decimal separator
    "\u066a": "%",  # Arabic percent sign
    "\u00a0": " ", "\u2000": " ", "\u2001": " ", "\u2002": " ", "\u2003": " ", "\u2004": " ",
    "\u2005": " ", "\u2006": " ", "\u2007": " ", "\u2008": " ", "\u2009": " ", "\u200a": " ",
    "\u202f": " ", "\u205f": " ", "\u3000": " ", "\t": " ", "\x0b": " ", "\x0c": " ",
    "\u2028": "\n", "\u2029": "\n", "\x85": "\n",
    "\u2013": "-", "\u2014": "-", "\u2212": "-",
}
for _i in range(10):
    _CHAR_MAP[chr(0x06F0 + _i)] = str(_i)
    _CHAR_MAP[chr(0x0660 + _i)] = str(_i)
# removed outright: diacritics, tatweel, zero-width and bidi controls (ZWNJ is kept)
_DROP = set("\u0640\u0670\u200b\u200d\u200e\u200f\ufeff\u061c\u00ad\x00")
_DROP.update(chr(c) for c in range(0x064B, 0x0653))
_DROP.update(chr(c) for c in range(0x202A, 0x202F))
_DROP.update(chr(c) for c in range(0x2066, 0x206A))

LETTER = "\u0621-\u063a\u0641-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc\u0622"
_L = f"[{LETTER}]"


@dataclass(frozen=True)
class NormalizedText:
    """The normalised text with, per character, the raw span it came from."""

    raw: str
    text: str
    starts: Sequence[int]
    ends: Sequence[int]

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the normalised text to a span of the raw text."""
        if not self.text:
            return 0, 0
        start = max(0, min(start, len(self.text)))
        end = max(start, min(end, len(self.text)))
        if start == end:
            pos = self.starts[start] if start < len(self.text) else len(self.raw)
            return pos, pos
        return self.starts[start], max(self.starts[start], self.ends[end - 1])

    def raw_span(self, start: int, end: int) -> tuple[int, int, str]:
        rs, re_ = self.to_raw(start, end)
        return rs, re_, self.raw[rs:re_]


# one-to-one replacements (and control characters to a space) go through str.translate; what changes
# the length (dropped characters, CR LF -> LF) is found by one regex and cut out between plain runs
_TABLE = {ord(k): v for k, v in _CHAR_MAP.items()}
_TABLE.update({c: " " for c in range(32) if chr(c) not in "\n\r" and chr(c) not in _DROP})
assert all(len(v) == 1 for v in _TABLE.values())  # one character for one: _translate relies on it
_SPECIAL = re.compile("\r\n?|[" + "".join(sorted(re.escape(c) for c in _DROP)) + "]")


_LUT = None  # _TABLE as a numpy array over the BMP (built on first use)


def _translate(text: str) -> str:
    """``text.translate(_TABLE)``: every value of the table is one character, so a long text goes through a
    lookup array instead (``str.translate`` looks up each non-ASCII character in the dict: 15 times slower)."""
    global _LUT
    if len(text) < 512:
        return text.translate(_TABLE)
    if _LUT is None:
        lut = np.arange(0x10000, dtype=np.uint32)
        for k, v in _TABLE.items():
            lut[k] = ord(v)
        _LUT = lut
    # UTF-32 keeps one code point per element, lone surrogates included (surrogatepass)
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if int(cps.max()) < 0x10000:
        out = _LUT[cps]
    else:
        out = np.where(cps < 0x10000, _LUT[np.minimum(cps, 0xFFFF)], cps)
    return out.tobytes().decode("utf-32-le", "surrogatepass")


def _positions(start: int, stop: int) -> array:
    """``array("q", range(start, stop))``, made by numpy (a Python int per character costs 15 times more)."""
    out = array("q")
    out.frombytes(np.arange(start, stop, dtype=np.int64).tobytes())
    return out


def _char_pass(raw: str) -> tuple[str, array, array]:
    parts: list[str] = []
    starts, ends = array("q"), array("q")
    pos = 0
    for m in _SPECIAL.finditer(raw):
        s, e = m.span()
        if s > pos:
            parts.append(raw[pos:s])
            starts.extend(_positions(pos, s))
            ends.extend(_positions(pos + 1, s + 1))
        if raw[s] == "\r":
            parts.append("\n")
            starts.append(s)
            ends.append(e)
        pos = e
    if pos == 0:
        return _translate(raw), _positions(0, len(raw)), _positions(1, len(raw) + 1)
    if pos < len(raw):
        parts.append(raw[pos:])
        starts.extend(_positions(pos, len(raw)))
        ends.extend(_positions(pos + 1, len(raw) + 1))
    return _translate("".join(parts)), starts, ends


# A rule is a compiled regex plus a function from the match to a list of pieces:
# ("keep", group) copies the group with its map; ("set", group, text) replaces the group;
# ("ins", text) inserts text mapped to the position where it is inserted.
Piece = tuple
Rule = tuple[re.Pattern, Callable[[re.Match], list[Piece]]]


def _apply(text: str, starts: array, ends: array, rule: Rule) -> tuple[str, array, array]:
    pattern, fn = rule
    parts: list[str] = []       # the new text as slices and inserted pieces (not one entry per character)
    new_starts, new_ends = array("q"), array("q")
    pos = 0
    changed = False
    for m in pattern.finditer(text):
        changed = True
        s, e = m.span()
        parts.append(text[pos:s])
        new_starts.extend(starts[pos:s])
        new_ends.extend(ends[pos:s])
        cursor = s
        for piece in fn(m):
            kind = piece[0]
            if kind == "keep":
                gs, ge = m.span(piece[1])
                parts.append(text[gs:ge])
                new_starts.extend(starts[gs:ge])
                new_ends.extend(ends[gs:ge])
                cursor = ge
            elif kind == "set":
                gs, ge = m.span(piece[1])
                rs = starts[gs] if gs < ge else (starts[gs] if gs < len(starts) else (ends[-1] if len(ends) else 0))
                re_ = ends[ge - 1] if gs < ge else rs
                _emit(parts, new_starts, new_ends, piece[2], rs, re_)
                cursor = ge
            else:  # insert
                at = starts[cursor] if cursor < len(starts) else (ends[-1] if len(ends) else 0)
                _emit(parts, new_starts, new_ends, piece[1], at, at)
        pos = e
    if not changed:
        return text, starts, ends
    parts.append(text[pos:])
    new_starts.extend(starts[pos:])
    new_ends.extend(ends[pos:])
    return "".join(parts), new_starts, new_ends


def _emit(parts: list[str], starts: array, ends: array, piece: str, start: int, end: int) -> None:
    """``piece`` added to the text, each of its characters mapped to the raw span [start, end)."""
    parts.append(piece)
    starts.extend(array("q", (start,)) * len(piece))
    ends.extend(array("q", (end,)) * len(piece))


_COMMON_JOINED = [
    "میشود", "میشوند", "میشد", "میکند", "میکنند", "میکرد", "میکنیم", "میباشد", "میباشند",
    "میتوان", "میتواند", "میتوانند", "میتوانیم", "میدهد", "میدهند", "میگیرد", "میگیرند",
    "میرسد", "میرود", "میآید", "میگردد", "مینماید", "نمیشود", "نمیتوان", "نمیتواند",
    "نمیتوانند", "نمیکند", "نمیباشد",
]

_JOINED_STEMS = "|".join(sorted({w[w.index("می") + 2:] for w in _COMMON_JOINED}, key=len, reverse=True))

RULES: list[Rule] = [
    # runs of spaces -> one space
    (re.compile(r" {2,}"), lambda m: [("set", 0, " ")]),
    # spaces hugging a newline
    (re.compile(r" +(?=\n)|(?<=\n) +"), lambda m: [("set", 0, "")]),
    # digits glued to letters and letters glued to digits
    (re.compile(rf"\d(?={_L})|{_L}(?=\d)"), lambda m: [("keep", 0), ("ins", " ")]),   # a character first: a faster scan
    # scale words glued to a unit: «250 هزارریال», «32 هزارنفر»
    (re.compile(rf"(?<!{_L})(هزار|میلیون|میلیارد)(ریال|تومان|نفر|دلار|یورو|درصد)(?!{_L})"),
     lambda m: [("keep", 1), ("ins", " "), ("keep", 2)]),
    # Persian punctuation glued to the next word
    (re.compile(rf"([،؛:؟!»)])(?={_L}|«)"), lambda m: [("keep", 1), ("ins", " ")]),
    # full stop or Latin comma between two words (never between digits)
    (re.compile(rf"([.,])(?<={_L}[.,])(?={_L})"), lambda m: [("keep", 1), ("ins", " ")]),
    # ZWNJ: prefixes می/نمی written with a space -> the space becomes ZWNJ
    (re.compile(rf"(?<!{_L})(ن?می)( )(?={_L}{{2}})"), lambda m: [("keep", 1), ("set", 2, ZWNJ)]),
    # ZWNJ: suffixes written with a space
    (re.compile(rf"(?<={_L})( )(ها|های|هایی|ترین|هایم|هایش|هایشان|هایمان)(?!{_L})"),
     lambda m: [("set", 1, ZWNJ), ("keep", 2)]),
    (re.compile(rf"(?<=ه)( )(ای|اند|ایم|اید)(?!{_L})"), lambda m: [("set", 1, ZWNJ), ("keep", 2)]),
    # a few very common verbs written without ZWNJ
    (re.compile(rf"(?<!{_L})(ن?می)(?=(?:{_JOINED_STEMS})(?!{_L}))"), lambda m: [("keep", 1), ("ins", ZWNJ)]),
]


# rules that cannot match a text holding none of these strings: a substring search skips their scan
_NEEDS: dict[int, tuple[str, ...]] = {
    id(RULES[0]): ("  ",),
    id(RULES[1]): (" \n", "\n "),
    id(RULES[3]): ("هزار", "میلیون", "میلیارد"),
}


def normalize(raw: str, rules: Iterable[Rule] = RULES) -> NormalizedText:
    """Normalise ``raw``; the result maps every character back to ``raw``."""
    if not isinstance(raw, str):
        raise TypeError(f"normalize() takes str, not {type(raw).__name__}")
    text, starts, ends = _char_pass(raw)
    for rule in rules:
        needs = _NEEDS.get(id(rule))
        if needs is not None and rule in RULES and not any(n in text for n in needs):
            continue
        text, starts, ends = _apply(text, starts, ends, rule)
    return NormalizedText(raw=raw, text=text, starts=starts, ends=ends)


def normalize_text(raw: str) -> str:
    """Just the normalised string."""
    return normalize(raw).text

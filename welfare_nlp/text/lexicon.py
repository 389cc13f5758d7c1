"""Lexicons shipped as data files in ``welfare_nlp/text/lexicons/``, each loaded once.

Text in the files is written normalised (Persian ی/ک, ZWNJ where standard), and every
loader normalises again so a file edited with Arabic letters still works.
"""
from __future__ import annotations

import csv
import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from welfare_nlp.text.normalize import normalize_text

_PACKAGE = "welfare_nlp.text.lexicons"


def _read(name: str) -> str:
    return resources.files(_PACKAGE).joinpath(name).read_text(encoding="utf-8")


def _lines(name: str) -> list[str]:
    out = []
    for line in _read(name).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _rows(name: str) -> list[dict[str, str]]:
    rows = [r for r in _lines(name)]
    reader = csv.DictReader(rows, delimiter="\t")
    return [{k: (v or "").strip() for k, v in row.items()} for row in reader]


def trie_alternation(entries) -> str:
    """A regex (no groups) matching what ``"|".join(map(re.escape, sorted(entries, key=len, reverse=True)))``
    matches, written as a trie of the entries' characters: at each position the regex engine follows
    one branch per character instead of trying every entry in turn (a gazetteer of hundreds of names
    scans several times faster). At one position the entries that match are prefixes of each other,
    and the trie tries the longer first, as the longest-first alternation does, backtracking to a
    shorter one when what follows the group fails."""
    trie: dict = {}
    for entry in entries:
        node = trie
        for ch in entry:
            node = node.setdefault(ch, {})
        node[None] = True

    def build(node: dict) -> str:
        kids = sorted(ch for ch in node if ch is not None)
        if not kids:
            return ""
        alts = [re.escape(ch) + build(node[ch]) for ch in kids]
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if None in node else body

    return build(trie)


@lru_cache(maxsize=None)
def words(name: str) -> tuple[str, ...]:
    """A one-entry-per-line list (comments and blanks skipped), normalised."""
    return tuple(dict.fromkeys(normalize_text(w) for w in _lines(name)))


@lru_cache(maxsize=None)
def table(name: str) -> tuple[dict[str, str], ...]:
    """A tab-separated table with a header line, values normalised."""
    return tuple({k: normalize_text(v) for k, v in row.items()} for row in _rows(name))


@lru_cache(maxsize=None)
def provinces() -> tuple[dict[str, Any], ...]:
    data = json.loads(_read("provinces.json"))
    out = []
    for p in data:
        p = dict(p)
        p["name"] = normalize_text(p["name"])
        p["centre"] = normalize_text(p.get("centre", ""))
        p["variants"] = [normalize_text(v) for v in p.get("variants", [])]
        out.append(p)
    return tuple(out)


@lru_cache(maxsize=None)
def cities() -> dict[str, str]:
    """City name -> canonical province name."""
    return {row["city"]: row["province"] for row in table("cities.tsv")}


@lru_cache(maxsize=None)
def number_words() -> dict[str, tuple[float, str]]:
    return {r["word"]: (float(r["value"]), r["kind"]) for r in table("number_words.tsv")}


@lru_cache(maxsize=None)
def ordinals() -> dict[str, int]:
    return {r["word"]: int(r["value"]) for r in table("ordinals.tsv")}


@lru_cache(maxsize=None)
def months() -> dict[str, tuple[int, bool]]:
    return {r["name"]: (int(r["month"]), r["ambiguous"] == "1") for r in table("months.tsv")}


@lru_cache(maxsize=None)
def currencies() -> dict[str, str]:
    return {r["word"]: r["code"] for r in table("currencies.tsv")}


@lru_cache(maxsize=None)
def currency_scales() -> dict[str, float]:
    """Currency word -> the amount of that currency one unit of the word stands for
    (``همت``, hezar-e milliard toman, is 10**12 toman; plain words 1)."""
    return {r["word"]: float(r.get("scale") or 1) for r in table("currencies.tsv")}


@lru_cache(maxsize=None)
def qualifiers() -> tuple[dict[str, str], ...]:
    return table("qualifiers.tsv")


@lru_cache(maxsize=None)
def count_nouns() -> dict[str, str]:
    return {r["noun"]: r["kind"] for r in table("count_nouns.tsv")}


def _pairs(name: str) -> list[tuple[str, str]]:
    """Two tab-separated columns per line, no header (split before normalising: tabs become spaces)."""
    out = []
    for line in _lines(name):
        a, _, b = line.partition("\t")
        out.append((normalize_text(a.strip()), normalize_text(b.strip())))
    return out


@lru_cache(maxsize=None)
def speech_verbs() -> dict[str, bool]:
    """Speech verb -> whether it typically continues an earlier speaker's words."""
    return {verb: cont == "1" for verb, cont in _pairs("speech_verbs.txt")}


@lru_cache(maxsize=None)
def event_triggers() -> tuple[dict[str, str], ...]:
    return table("event_triggers.tsv")


@lru_cache(maxsize=None)
def title_blockers() -> frozenset[tuple[str, str]]:
    return frozenset(_pairs("title_blockers.txt"))


@lru_cache(maxsize=None)
def boilerplate() -> tuple[tuple[str, str], ...]:
    return tuple(_pairs("boilerplate.txt"))

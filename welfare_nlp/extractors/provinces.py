"""Provinces (all 31, canonical names and ISO 3166-2:IR codes) and cities.

A province counts when its name, or its same-named centre, appears as a place:
``کرمان``, ``بهزیستی استان کرمان``. Elliptical lists count every member
(``خراسان رضوی و شمالی``). Names that are also ordinary words (``فارس``, ``مرکزی``,
``گلستان``, ``البرز``) need context: ``استان فارس``, ``بهزیستی فارس``. A city with a
different name (``مشهد``) goes to ``cities`` and does not add its province.
"""
from __future__ import annotations

import re
from functools import lru_cache

from welfare_nlp.text import lexicon
from welfare_nlp.text.context import DocContext, Found
from welfare_nlp.text.normalize import LETTER

NAME = "provinces"
_B = rf"(?<![{LETTER}‌])"
_E = rf"(?![{LETTER}‌])"
# words before an ambiguous name that make it a place
_PLACE_CUE = re.compile(
    r"(?:استان|استانهای|استان‌های|استانداری|استاندار|بهزیستی|اداره کل|ادارات کل|شهرستان|کمیته امداد|"
    r"دادگستری|مدیرکل|مدیر کل|شورای|نماینده|مردم|در|و|،)\s+$")
# «کردستان عراق», «آذربایجان» the country: a name of a place abroad
_ABROAD_AFTER = re.compile(r"\s*(?:عراق|ترکیه|سوریه|جمهوری|شوروی)(?![آ-ی])")
_NOT_PLACE = re.compile(r"(?:خبرگزاری|خلیج|زبان|ادبیات|روزنامه|بانک|دفتر|شورای|کمیته|واحد|شعبه|اتاق|سازمان|خبرنگار)\s+$")
# Elliptical lists: خراسان رضوی و شمالی / آذربایجان شرقی و غربی
_ELLIPSIS = re.compile(rf"{_B}(خراسان|آذربایجان)\s+(رضوی|شمالی|جنوبی|شرقی|غربی)((?:\s*(?:و|،)\s*(?:رضوی|شمالی|جنوبی|شرقی|غربی){_E})+)")


@lru_cache(maxsize=1)
def _index() -> tuple[re.Pattern, dict[str, dict]]:
    names: dict[str, dict] = {}
    for p in lexicon.provinces():
        for n in [p["name"], *p["variants"]]:
            names[n] = p
    alt = "|".join(re.escape(n).replace("\\ ", "[ ‌]?") for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"{_B}(?:{alt}){_E}"), names


@lru_cache(maxsize=1)
def _city_index() -> tuple[re.Pattern, dict[str, str]]:
    prov_names = {p["name"] for p in lexicon.provinces()}
    cities = {c: p for c, p in lexicon.cities().items() if c not in prov_names}
    # the names longest first, as a trie (lexicon.trie_alternation): same matches, a faster scan
    return re.compile(rf"{_B}(?:{lexicon.trie_alternation(cities)}){_E}"), cities


def _lookup(name: str) -> dict | None:
    _, names = _index()
    key = re.sub(r"[ ‌]+", " ", name)
    if key in names:
        return names[key]
    squashed = key.replace(" ", "")
    for n, p in names.items():
        if n.replace(" ", "").replace("‌", "") == squashed:
            return p
    return None


def _province_item(p: dict, start: int, end: int, source: str, score: float) -> Found:
    return Found("province", start, end, {"name": p["name"], "code": p["code"]}, source=source, score=score)


def extract(ctx: DocContext) -> list[Found]:
    text = ctx.body
    out: list[Found] = []
    taken: list[tuple[int, int]] = []
    by_name = {p["name"]: p for p in lexicon.provinces()}
    for m in _ELLIPSIS.finditer(text):
        base = m.group(1)
        parts = [m.group(2)] + re.findall(r"رضوی|شمالی|جنوبی|شرقی|غربی", m.group(3))
        for part in parts:
            p = by_name.get(f"{base} {part}")
            if p:
                out.append(_province_item(p, m.start(), m.end(), "rule:provinces.ellipsis", 0.95))
        taken.append(m.span())
    pattern, _ = _index()
    for m in pattern.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        p = _lookup(m.group())
        if p is None:
            continue
        source, score = "gazetteer:provinces", 0.98
        if _ABROAD_AFTER.match(text, m.end()):
            continue
        if p.get("ambiguous"):
            # a place cue (استان فارس, بهزیستی فارس) or the NER model's LOC makes it a place; a name
            # inside an organisation (استانداری فارس) still counts, «خبرگزاری فارس» never does
            model = _model_label(ctx, m.start(), m.end())
            before = text[max(0, m.start() - 25):m.start()]
            if _NOT_PLACE.search(before) or not (_PLACE_CUE.search(before) or model == "LOC"):
                continue
            source, score = ("model:ner+gazetteer:provinces", 0.93) if model == "LOC" else (source, 0.9)
        out.append(_province_item(p, m.start(), m.end(), source, score))
    out.sort(key=lambda f: f.start)
    return out


def _model_label(ctx: DocContext, start: int, end: int) -> str | None:
    """The label of a model entity that covers [start, end), if any."""
    for e in ctx.entities:
        if e.source.startswith("model:") and e.start <= start and end <= e.end:
            return e.label
    return None


def extract_cities(ctx: DocContext) -> list[Found]:
    text = ctx.body
    pattern, cities = _city_index()
    codes = {p["name"]: p["code"] for p in lexicon.provinces()}
    out = []
    for m in pattern.finditer(text):
        prov = cities[m.group()]
        out.append(Found("city", m.start(), m.end(), {"name": m.group(), "province": prov, "province_code": codes.get(prov)},
                         source="gazetteer:cities", score=0.8))
    return out

"""Language data lives in files; these checks keep it sound (dateparser-style data integrity)."""
import json
import re
from importlib import resources

import pytest

from welfare_nlp.text import lexicon
from welfare_nlp.text.normalize import normalize_text

FILES = [f.name for f in resources.files("welfare_nlp.text.lexicons").iterdir() if f.suffix in (".txt", ".tsv", ".json")]


def test_all_31_provinces_with_unique_iso_codes():
    provs = lexicon.provinces()
    assert len(provs) == 31
    assert len({p["name"] for p in provs}) == 31
    codes = [p["code"] for p in provs]
    assert len(set(codes)) == 31 and all(re.fullmatch(r"IR-\d\d", c) for c in codes)


def test_known_iso_codes():
    codes = {p["name"]: p["code"] for p in lexicon.provinces()}
    assert codes["تهران"] == "IR-23" and codes["کرمان"] == "IR-08" and codes["خراسان رضوی"] == "IR-09"
    assert codes["مرکزی"] == "IR-00" and codes["البرز"] == "IR-30"


def test_cities_belong_to_known_provinces():
    names = {p["name"] for p in lexicon.provinces()}
    cities = lexicon.cities()
    assert len(cities) >= 150
    assert set(cities.values()) <= names
    for p in lexicon.provinces():
        assert cities.get(p["centre"]) == p["name"], p["name"]


@pytest.mark.parametrize("name", FILES)
def test_files_are_normalised(name):
    raw = resources.files("welfare_nlp.text.lexicons").joinpath(name).read_text(encoding="utf-8")
    assert "ي" not in raw and "ك" not in raw, f"{name} has Arabic letters"
    if name.endswith(".json"):
        json.loads(raw)


@pytest.mark.parametrize("name", [f for f in FILES if f.endswith(".txt")])
def test_no_duplicate_lines(name):
    lines = [l for l in resources.files("welfare_nlp.text.lexicons").joinpath(name).read_text(encoding="utf-8").splitlines()
             if l.strip() and not l.startswith("#")]
    assert len(lines) == len(set(lines))


@pytest.mark.parametrize("name", [f for f in FILES if f.endswith(".tsv")])
def test_tables_have_full_rows(name):
    rows = lexicon.table(name)
    assert rows and all(all(v != "" for v in r.values()) for r in rows)


def test_tables_are_consistent():
    assert set(lexicon.currencies().values()) >= {"IRT", "IRR", "USD", "EUR"}
    assert sorted({m for m, _ in lexicon.months().values()}) == list(range(1, 13))
    assert {r["qualifier"] for r in lexicon.qualifiers()} <= {"more_than", "less_than", "about"}
    types = {r["type"] for r in lexicon.event_triggers()}
    assert types >= {"workshop", "meeting", "interview", "visit", "funding", "agreement", "appointment", "ceremony", "announcement"}
    assert all(k in ("person", "person_weak", "household") for k in lexicon.count_nouns().values())


def test_first_names_are_not_function_words():
    first = set(lexicon.words("first_names.txt"))
    assert len(first) >= 500
    assert not first & set(lexicon.words("function_words.txt"))


def test_loaded_once():
    assert lexicon.provinces() is lexicon.provinces()
    assert lexicon.count_nouns() is lexicon.count_nouns()


def test_lexicon_entries_survive_normalisation():
    for title in lexicon.words("titles.txt"):
        assert normalize_text(title) == title


def test_currency_scales():
    scales = lexicon.currency_scales()
    assert set(scales) == set(lexicon.currencies())
    assert scales["همت"] == 1e12 and lexicon.currencies()["همت"] == "IRT"  # hezar-e milliard toman
    assert scales["تومان"] == scales["ریال"] == scales["دلار"] == 1


def test_counted_nouns_cover_press_usage():
    nouns = lexicon.count_nouns()
    for noun in ("مقرری بگیر", "مقرری‌بگیر", "مستمری بگیر", "مشترک", "محقق", "بیمه شده", "بیمه‌شده", "دانش آموز"):
        assert nouns.get(noun) == "person", noun
    assert nouns["تن"] == "person_weak"  # also tonnes: people only with the right words after it


def test_ordinals_for_compound_days():
    ords = lexicon.ordinals()
    # «بیست و یکم» is built from بیست + یکم: every unit ordinal must be there
    for word, value in (("یکم", 1), ("دوم", 2), ("سوم", 3), ("نهم", 9), ("نخست", 1), ("بیستم", 20), ("سی‌ام", 30)):
        assert ords[word] == value

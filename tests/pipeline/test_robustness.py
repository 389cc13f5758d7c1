"""At least 10,000 generated hostile inputs through the batch runner with two workers: every input
gets exactly one output line (a record or a coded error line), nothing is lost, every record keeps
its invariants. The run's summary is printed at the end of the test session (and so in CI):

    robustness: 10,240 inputs tried, 8,… records, error lines by code: E001 …, documents lost: 0
"""
import codecs
import json
import random
from collections import Counter

from conftest import ROBUSTNESS
from test_hostile import BROKEN_HTML, CONTROLS, EDGE_NUMBERS, WORDS, check_record
import pytest

pytestmark = pytest.mark.integration

N_LINES = 10_000
N_FILES = 240
MAX_CHARS = 20_000


def _text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.55:  # Persian-like, from our lexicons, with noise
        pool = WORDS
    elif kind < 0.70:
        pool = WORDS + EDGE_NUMBERS
    elif kind < 0.80:
        pool = WORDS + CONTROLS + BROKEN_HTML
    else:  # arbitrary code points (no surrogates here: they have their own lines)
        return "".join(chr(rng.choice([rng.randrange(0x20, 0x7f), rng.randrange(0x600, 0x700),
                                       rng.randrange(0x2000, 0x2070), rng.randrange(0x300, 0x370),
                                       rng.randrange(0xa0, 0xd7ff), rng.randrange(0xe000, 0x10ffff)]))
                       for _ in range(rng.randrange(1, 200)))
    seps = [" ", " ", " ", "\u200c", "\n", "، ", ". ", ": "]
    return "".join(rng.choice(pool) + rng.choice(seps) for _ in range(rng.randrange(1, 80)))


def _lines(rng: random.Random):
    """(JSON line, expected id, raw text or None) for each input line."""
    for n in range(1, N_LINES + 1):
        doc_id, r = f"g{n}", rng.random()
        if r < 0.04:
            yield json.dumps({"id": doc_id, "text": rng.choice(["", "   ", "\n\u200c\n", "\u200f"])}), doc_id, None
        elif r < 0.07:
            yield "{" + _text(rng).replace("\n", " ").replace("\r", " "), f"in.jsonl:{n}", None  # not JSON
        elif r < 0.09:
            yield json.dumps({"id": doc_id, "text": rng.choice([12, None, ["x"], {"a": 1}, True])}), doc_id, None
        elif r < 0.11:
            yield json.dumps({"id": doc_id, "text": _text(rng) + "\ud800" + _text(rng)}), doc_id, None  # lone surrogate
        elif r < 0.13:
            yield json.dumps({"id": doc_id, "text": _text(rng), "published": rng.choice(["yesterday", "1403-13-45", 7])}), \
                doc_id, None
        elif r < 0.14:
            yield json.dumps({"id": doc_id, "text": "کار " * (MAX_CHARS // 4 + 10)}), doc_id, None  # over --max-chars
        else:
            line = json.dumps({"id": doc_id, "text": _text(rng)}, ensure_ascii=rng.random() < 0.5)
            # what a reader sees: lone surrogates written raw are invalid UTF-8 and read back as U+FFFD
            text = json.loads(line.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))["text"]
            yield line, doc_id, text


def _files(rng: random.Random, root):
    """Files of every encoding and some binary ones; (file id, None)."""
    for k in range(N_FILES):
        text = _text(rng)
        kind = k % 6
        name = f"f{k:04d}"
        if kind == 0:
            (root / f"{name}.txt").write_text(text, encoding="utf-8", errors="replace")
        elif kind == 1:
            (root / f"{name}.txt").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le", "replace"))
        elif kind == 2:
            (root / f"{name}.txt").write_bytes(text.encode("cp1256", "replace"))
        elif kind == 3:
            (root / f"{name}.html").write_text(f"<html><head><title>{text[:20]}</title></head><body><p>{text}</p>",
                                               encoding="utf-8", errors="replace")
        elif kind == 4:
            (root / f"{name}.txt").write_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(0, 3000))))
        else:
            (root / f"{name}.html").write_bytes(b"<html><body>" + bytes(rng.randrange(256) for _ in range(500)))
        yield name


def test_ten_thousand_hostile_inputs_nothing_lost(tmp_path):
    from welfare_nlp.batch.runner import run

    rng = random.Random(20261129)
    expected: list[str] = []
    raw: dict[str, str] = {}
    with open(tmp_path / "in.jsonl", "w", encoding="utf-8", errors="surrogatepass") as fh:
        for line, doc_id, text in _lines(rng):
            fh.write(line + "\n")
            expected.append(doc_id)
            if text is not None:
                raw[doc_id] = text
    pages = tmp_path / "pages"
    pages.mkdir()
    expected += list(_files(rng, pages))
    out = tmp_path / "out.jsonl"
    summary = run([str(tmp_path / "in.jsonl"), str(pages)], str(out), jobs=2, max_chars=MAX_CHARS, progress=False,
                  log=lambda _: None)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    got = Counter(r["id"] for r in rows)
    lost = sum(max(0, 1 - got[i]) for i in expected) + sum(max(0, c - 1) for c in got.values())
    errors = Counter(r["error"]["code"] for r in rows if "error" in r)
    records = sum(1 for r in rows if "error" not in r)
    ROBUSTNESS["line"] = (f"robustness: {len(expected):,} inputs tried, {records:,} records, error lines by code: "
                          + (", ".join(f"{c} {n:,}" for c, n in sorted(errors.items())) or "none")
                          + f", documents lost: {lost}")
    assert len(expected) >= 10_000
    assert lost == 0 and len(rows) == len(expected) == summary.documents
    assert set(got) == set(expected)
    assert records > 0.6 * len(expected)
    for code in ("E001", "E003", "E005", "E016"):
        assert errors[code] > 0, code  # each kind of bad input was met and named
    # an unreadable publication date is a warning in the record, not an error line (E006)
    assert "E006" not in errors and any(r.get("warnings") for r in rows if "error" not in r)
    assert "E010" not in errors, [r for r in rows if r.get("error", {}).get("code") == "E010"][:3]
    checked = 0
    for r in rows:
        if "error" not in r and r["id"] in raw:
            check_record(raw[r["id"]], r)
            checked += 1
    assert checked > 0.5 * len(expected)

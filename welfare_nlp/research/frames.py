"""Records as pandas DataFrames, for notebooks.

    >>> frames = welfare_nlp.read_records("out.jsonl")        # what `welfare-nlp extract` wrote
    >>> frames = welfare_nlp.to_frames(records)               # Record objects, dicts or JSON lines
    >>> frames.officials[["doc_id", "name", "title", "organization", "start", "end", "text"]]

One table per kind of item, one row per item, each with the document's id (``doc_id``) and the
item's ``start``/``end`` offsets into the original text and the ``text`` there; ``documents`` has one
row per document (error rows included, with ``error_code``). The rows of ``documents``,
``officials``, ``amounts`` and ``head_counts`` are the ones ``welfare-nlp extract --format csv``
writes (``welfare_nlp.batch.tables.rows``), with a few columns added for analysis: the topic, amounts in
toman, Jalali months of events. Amounts and head counts carry what each figure is ``about``, its
``province`` (its own, else the document's main province: ``province_from`` says which), its
``speaker`` and its ``event``.
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from pathlib import Path
from typing import Any, Iterable, Iterator

import jdatetime

from welfare_nlp.batch import tables
from welfare_nlp.errors import import_extra

_ITEM = ["start", "end", "text", "source", "score"]
# table -> columns; the first four come from welfare_nlp.batch.tables (the CSV/Parquet output), plus extras
COLUMNS: dict[str, list[str]] = {
    "documents": [c for c, _ in tables.COLUMNS["documents"]],
    "officials": [c for c, _ in tables.COLUMNS["officials"]] + ["title_start", "title_end", "organization_start",
                                                                  "organization_end"],
    "amounts": [c for c, _ in tables.COLUMNS["amounts"]] + ["value_toman"],
    "head_counts": [c for c, _ in tables.COLUMNS["head_counts"]],
    "provinces": ["doc_id", "name", "code", "n_mentions"] + _ITEM,
    "percentages": ["doc_id", "value", "max"] + _ITEM,
    "dates": ["doc_id", "year", "month", "day", "anchored_year", "iso"] + _ITEM,
    "events": ["doc_id", "type", "trigger", "place", "jalali_year", "jalali_month", "month_from"] + _ITEM,
    "quotes": ["doc_id", "speaker"] + _ITEM,
}
TABLES = tuple(COLUMNS)
# integer columns that may be missing: pandas' nullable Int64, not float with NaN
_INT = {"start", "end", "figure", "event", "year", "month", "day", "anchored_year", "jalali_year", "jalali_month", "n_mentions",
        "title_start", "title_end", "organization_start", "organization_end"}


class Frames(dict):
    """The tables by name (``frames["officials"]``), also as attributes (``frames.officials``)."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __dir__(self):
        return list(super().__dir__()) + list(self)

    def __repr__(self) -> str:
        return "Frames(" + ", ".join(f"{k}: {len(v)} rows" for k, v in self.items()) + ")"


def _as_dict(obj: Any) -> dict:
    if isinstance(obj, dict):
        return obj
    if isinstance(obj, (str, bytes)):
        return json.loads(obj)
    if hasattr(obj, "model_dump"):  # a Record or ErrorRecord
        return obj.model_dump(mode="json")
    raise TypeError(f"not a record: {type(obj).__name__}")


def iter_records(path: str | os.PathLike) -> Iterator[dict]:
    """The objects of a ``.jsonl``/``.jsonl.gz`` file (records and error rows), or of every such file
    in a directory (sorted by name). Blank lines are skipped."""
    p = Path(path)
    files = sorted(f for f in p.iterdir() if f.name.endswith((".jsonl", ".jsonl.gz"))) if p.is_dir() else [p]
    for f in files:
        opener = gzip.open if f.name.endswith(".gz") else open
        with opener(f, "rt", encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise ValueError(f"{f}:{n}: not a JSON line ({exc.msg})") from None


def _item(it: dict) -> dict:
    return {k: it.get(k) for k in _ITEM}


def _jalali(iso: str | None) -> tuple[int, int] | None:
    if not iso:
        return None
    try:
        j = jdatetime.date.fromgregorian(date=dt.date.fromisoformat(iso[:10]))
    except ValueError:
        return None
    return j.year, j.month


def _toman(amount: dict) -> float | None:
    cur = amount.get("currency")
    if cur == "IRT":
        return amount["value"]
    if cur == "IRR":
        return amount["value"] / 10
    return None


def rows(data: dict) -> dict[str, list[dict]]:
    """The rows of every table for one record (or error row)."""
    out = {t: [] for t in TABLES}
    base = tables.rows(data)
    for t, rs in base.items():
        out[t].extend(rs)
    doc = out["documents"][0]
    if data.get("error"):
        return out
    doc_id = data["id"]
    for row, off in zip(out["officials"], data["officials"]):
        ts, os_ = off.get("title_span") or {}, off.get("organization_span") or {}
        row.update(title_start=ts.get("start"), title_end=ts.get("end"),
                   organization_start=os_.get("start"), organization_end=os_.get("end"))
    for row, a in zip(out["amounts"], data["amounts"]):
        row["value_toman"] = _toman(a)
    for p in data.get("provinces") or []:
        out["provinces"].append({"doc_id": doc_id, "name": p["name"], "code": p["code"],
                                 "n_mentions": 1 + len(p.get("mentions") or []), **_item(p)})
    for p in data.get("percentages") or []:
        out["percentages"].append({"doc_id": doc_id, "value": p["value"], "max": p.get("max"), **_item(p)})
    for d in data.get("dates") or []:
        out["dates"].append({"doc_id": doc_id, **{k: d.get(k) for k in ("year", "month", "day", "anchored_year",
                                                                          "iso")}, **_item(d)})
    published = _jalali(data.get("published"))
    for e in data.get("events") or []:
        d = e.get("date") or {}
        if d.get("month"):  # the event's own date (its year may be unknown)
            jm, src = (d.get("year") or d.get("anchored_year"), d["month"]), "event"
        elif published:
            jm, src = published, "published"
        else:
            jm, src = (None, None), None
        out["events"].append({"doc_id": doc_id, "type": e["type"], "trigger": e["trigger"], "place": e.get("place"),
                              "jalali_year": jm[0], "jalali_month": jm[1], "month_from": src, **_item(e)})
    for q in data.get("quotes") or []:
        out["quotes"].append({"doc_id": doc_id, "speaker": q["speaker"], **_item(q)})
    return out


def to_frames(records: Iterable[Any] | str | os.PathLike) -> Frames:
    """pandas DataFrames (a ``Frames``: documents, officials, amounts, head_counts, provinces,
    percentages, dates, events, quotes) from records: ``Record`` objects, dicts, JSON strings, or a
    path (as ``read_records``)."""
    # pandas: the research extra, 0.35 s to import, only for the tables; E018 names the extra when missing
    pd = import_extra("pandas", "research", "welfare_nlp.to_frames and read_records (pandas tables)")

    if isinstance(records, (str, os.PathLike)):
        records = iter_records(records)
    acc: dict[str, list[dict]] = {t: [] for t in TABLES}
    for rec in records:
        for t, rs in rows(_as_dict(rec)).items():
            acc[t].extend(rs)
    out = Frames()
    for t in TABLES:
        df = pd.DataFrame(acc[t], columns=COLUMNS[t])
        for c in df.columns:
            if c in _INT or c.startswith("n_"):
                df[c] = df[c].astype("Int64")
            elif c == "repeat":  # a mention restating a figure of its document (see tables.FIGURE_KEYS)
                df[c] = df[c].astype(bool)
        out[t] = df
    return out


def read_records(path: str | os.PathLike) -> Frames:
    """The tables of a ``.jsonl``/``.jsonl.gz`` file written by ``welfare-nlp extract`` (or a directory
    of them)."""
    return to_frames(iter_records(path))

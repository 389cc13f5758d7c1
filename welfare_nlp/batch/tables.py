"""Records as tables: one row per document, per official, per amount and per head count.

``--format csv`` writes ``DIR/documents.csv``, ``officials.csv``, ``amounts.csv`` and
``head_counts.csv``; ``--format parquet`` writes ``DIR/<table>/part-NNNNNN.parquet`` (read a table
with ``pandas.read_parquet("DIR/officials")``). Every table carries the document's ``doc_id``; amounts and
head counts say which mentions restate a figure already mentioned in the document (``figure``, ``repeat``).

Both are crash-safe for ``resume``: a document's item rows are written before its ``documents``
row, so the documents table says which documents are complete; a resumed run keeps the rows of
those and drops the rest (CSV: rewritten; Parquet: a part is written whole under a temporary name
and renamed, the documents part last, parts without their documents part are removed).
"""
from __future__ import annotations

import csv
import os
from pathlib import Path

from welfare_nlp.extractors.attributes import purpose
from welfare_nlp.errors import OutputNotResumable, import_extra
from welfare_nlp.text.normalize import normalize_text

_ITEM = [("start", "int"), ("end", "int"), ("text", "str"), ("source", "str"), ("score", "float")]
# what a figure is about (its phrases joined by « | »; ``purpose``: the welfare term it names, to group by),
# the province it applies to, who said it, its event
# (its own province, else the document's main province: ``province_from`` says which)
_FIGURE = [("about", "str"), ("purpose", "str"), ("province", "str"), ("province_code", "str"), ("province_from", "str"),
           ("speaker", "str"), ("event", "int")]
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "documents": [("doc_id", "str"), ("version", "str"), ("published", "str"), ("title", "str"), ("encoding", "str"),
                  ("error_code", "str"), ("error_message", "str"), ("event_types", "str"), ("provinces", "str"),
                  ("province_codes", "str"), ("cities", "str"), ("n_officials", "int"), ("n_amounts", "int"),
                  ("n_head_counts", "int"), ("n_percentages", "int"), ("n_dates", "int"), ("n_quotes", "int"),
                  ("n_entities", "int"), ("n_events", "int"), ("topic", "str"), ("topic_probability", "float"),
                  ("social_probability", "float")],
    "officials": [("doc_id", "str"), ("name", "str"), ("title", "str"), ("organization", "str"),
                  ("honorific", "str"), ("role_source", "str"), ("n_mentions", "int")] + _ITEM,
    "amounts": [("doc_id", "str"), ("value", "float"), ("max", "float"), ("currency", "str"),
                ("qualifier", "str")] + _FIGURE + _ITEM + [("figure", "int"), ("repeat", "bool")],
    "head_counts": [("doc_id", "str"), ("value", "float"), ("max", "float"), ("noun", "str"), ("unit", "str"),
                    ("qualifier", "str")] + _FIGURE + _ITEM + [("figure", "int"), ("repeat", "bool")],
}
TABLES = tuple(COLUMNS)
# which fields make two mentions in one document the same figure (a headline restated in the body): each
# distinct figure gets a number (``figure``, from 1 in each document) and every mention after its first is
# a ``repeat``; sums over the rows that are not repeats count each figure once
FIGURE_KEYS = {"amounts": ("value", "max", "currency"), "head_counts": ("value", "max", "unit", "noun")}


def _joined(items, key) -> str | None:
    return ";".join(str(x[key]) for x in items) or None


def rows(data: dict) -> dict[str, list[dict]]:
    """The table rows of one output object (a record or an error row)."""
    doc_id = data["id"]
    err = data.get("error")
    doc = {"doc_id": doc_id, "version": data.get("version"), "published": data.get("published"),
           "title": data.get("title"), "encoding": data.get("encoding"),
           "error_code": err["code"] if err else None, "error_message": err["message"] if err else None}
    out: dict[str, list[dict]] = {"documents": [doc], "officials": [], "amounts": [], "head_counts": []}
    if err:
        return out
    doc.update(event_types=_joined(data["events"], "type"), provinces=_joined(data["provinces"], "name"),
               province_codes=_joined(data["provinces"], "code"), cities=_joined(data["cities"], "name"),
               **{f"n_{k}": len(data[k]) for k in ("officials", "amounts", "head_counts", "percentages", "dates",
                                                    "quotes", "entities")},
               n_events=len(data.get("events") or []), topic=data.get("topic"),
               topic_probability=data.get("topic_probability"), social_probability=data.get("social_probability"))
    for table in ("officials", "amounts", "head_counts"):
        names = [c for c, _ in COLUMNS[table]
                 if c not in ("doc_id", "n_mentions", "figure", "repeat", "province_from", "purpose")]
        figures: dict[tuple, int] = {}
        for item in data[table]:
            row = {"doc_id": doc_id, **{c: item.get(c) for c in names}}
            if table != "officials":
                row["about"] = " | ".join(a["text"] for a in item.get("about") or []) or None
                row["purpose"] = purpose(normalize_text(row["about"] or ""))
                if item.get("province"):
                    row["province_from"] = "figure"
                elif data["provinces"]:
                    main = data["provinces"][0]
                    row.update(province=main["name"], province_code=main["code"], province_from="document")
            if table == "officials":
                row["n_mentions"] = len(item.get("mentions") or [])
            else:
                key = tuple(item.get(k) for k in FIGURE_KEYS[table])
                row["repeat"] = key in figures
                row["figure"] = figures.setdefault(key, len(figures) + 1)
            out[table].append(row)
    return out


def _prepare_dir(path: str | None) -> Path:
    if not path or path == "-":
        raise ValueError("CSV and Parquet output needs a directory: -o DIR")
    d = Path(path)
    if d.exists() and not d.is_dir():
        raise ValueError(f"{d} exists and is not a directory; CSV and Parquet output goes into a directory")
    d.mkdir(parents=True, exist_ok=True)
    return d


# ---------------------------------------------------------------- CSV
def _cell(v):
    return "" if v is None else v


def _read_csv_rows(path: Path, header: list[str]):
    """The complete rows of a CSV table that a killed run may have cut; a cut last row is left out."""
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:  # a kill may cut a character
        text_ends_whole = True
        fh.seek(0, os.SEEK_END)
        if fh.tell():
            with open(path, "rb") as b:
                b.seek(-1, os.SEEK_END)
                text_ends_whole = b.read(1) == b"\n"
        fh.seek(0)
        reader = csv.reader(fh)
        got = next(reader, None)
        if got is None:
            return
        if got != header:
            raise OutputNotResumable(f"{path} has the columns {got}, not {header}")
        prev = None
        try:
            for row in reader:
                if prev is not None:
                    yield prev
                prev = row if len(row) == len(header) else None
        except csv.Error:
            return  # a quoted field the kill cut open
        if prev is not None and text_ends_whole:
            yield prev


class CsvTables:
    def __init__(self, path: str | None, *, resume: bool = False):
        self.dir = _prepare_dir(path)
        self.done: set[str] = set()
        self.earlier_errors = 0
        self.headers = {t: [c for c, _ in cols] for t, cols in COLUMNS.items()}
        files = {t: self.dir / f"{t}.csv" for t in TABLES}
        if resume and files["documents"].exists():
            self._recover(files)
        else:
            for t, f in files.items():
                with open(f, "w", encoding="utf-8", newline="") as fh:
                    csv.writer(fh, lineterminator="\n").writerow(self.headers[t])
        self._fh = {t: open(f, "a", encoding="utf-8", newline="") for t, f in files.items()}
        self._w = {t: csv.writer(fh, lineterminator="\n") for t, fh in self._fh.items()}

    def _recover(self, files: dict[str, Path]) -> None:
        err_col = self.headers["documents"].index("error_code")
        for t in ("documents",) + tuple(x for x in TABLES if x != "documents"):
            f, header = files[t], self.headers[t]
            tmp = f.with_name(f.name + ".tmp")
            with open(tmp, "w", encoding="utf-8", newline="") as out:
                w = csv.writer(out, lineterminator="\n")
                w.writerow(header)
                if f.exists():
                    for row in _read_csv_rows(f, header):
                        if t == "documents":
                            self.done.add(row[0])
                            self.earlier_errors += bool(row[err_col])
                            w.writerow(row)
                        elif row[0] in self.done:
                            w.writerow(row)
            os.replace(tmp, f)

    def write(self, doc_id: str, payload: dict[str, list[dict]]) -> None:
        for t in ("officials", "amounts", "head_counts", "documents"):  # documents last: the commit
            header = self.headers[t]
            for row in payload[t]:
                self._w[t].writerow([_cell(row.get(c)) for c in header])
            if payload[t]:
                self._fh[t].flush()

    def close(self) -> None:
        for fh in self._fh.values():
            fh.close()


# ---------------------------------------------------------------- Parquet
class ParquetTables:
    def __init__(self, path: str | None, *, resume: bool = False, batch: int = 1000):
        # pyarrow: the batch extra, heavy (0.1 s), only for --format parquet; E018 names the extra when missing
        self.pa = pa = import_extra("pyarrow", "batch", "--format parquet")
        self.pq = import_extra("pyarrow.parquet", "batch", "--format parquet")

        self.dir = _prepare_dir(path)
        self.batch = batch
        self.done: set[str] = set()
        self.earlier_errors = 0
        types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
        self.schemas = {t: pa.schema([(c, types[k]) for c, k in cols]) for t, cols in COLUMNS.items()}
        self._rows: dict[str, list[dict]] = {t: [] for t in TABLES}
        self._pending = 0
        for t in TABLES:
            (self.dir / t).mkdir(exist_ok=True)
            for f in (self.dir / t).glob(".*.tmp"):
                f.unlink()
        if not resume:
            for t in TABLES:
                for f in (self.dir / t).glob("part-*.parquet"):
                    f.unlink()
        self._next = self._recover()

    def _recover(self) -> int:
        pq = self.pq
        parts = sorted((self.dir / "documents").glob("part-*.parquet"))
        numbers = {p.name for p in parts}
        for p in parts:
            table = pq.read_table(p, columns=["doc_id", "error_code"])
            self.done.update(table.column("doc_id").to_pylist())
            self.earlier_errors += sum(c is not None for c in table.column("error_code").to_pylist())
        for t in TABLES:
            for f in (self.dir / t).glob("part-*.parquet"):
                if f.name not in numbers:  # its documents part never came: the run was killed between
                    f.unlink()
        return max((int(p.stem.split("-")[1]) for p in parts), default=-1) + 1

    def write(self, doc_id: str, payload: dict[str, list[dict]]) -> None:
        for t in TABLES:
            self._rows[t].extend(payload[t])
        self._pending += 1
        if self._pending >= self.batch:
            self._flush()

    def _flush(self) -> None:
        pa, pq = self.pa, self.pq
        if not self._pending:
            return
        name = f"part-{self._next:06d}.parquet"
        for t in ("officials", "amounts", "head_counts", "documents"):  # documents last: the commit
            tmp, final = self.dir / t / f".{name}.tmp", self.dir / t / name
            pq.write_table(pa.Table.from_pylist(self._rows[t], schema=self.schemas[t]), tmp)
            os.replace(tmp, final)
            self._rows[t] = []
        self._next += 1
        self._pending = 0

    def close(self) -> None:
        self._flush()


def open_tables(fmt: str, path: str | None, *, resume: bool = False):
    return CsvTables(path, resume=resume) if fmt == "csv" else ParquetTables(path, resume=resume)

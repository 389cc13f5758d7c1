"""Reading documents, one at a time (a stream: no input is ever held whole).

=========================  ===============================================================
input                      documents
=========================  ===============================================================
``a.txt``                  one document, id ``a``; the encoding is detected
``a.html`` / ``a.htm``     one document: the page's main text (trafilatura), its title and
                           publication date; id ``a``
directory                  every ``.txt``, ``.html``, ``.htm``, ``.warc`` and ``.warc.gz``
                           below it, recursively, in name order; id = the path relative to
                           the directory without the suffix (``2020/a`` for ``2020/a.txt``);
                           other files are skipped and named in the run's summary
``.jsonl`` / ``.jsonl.gz`` one document per line: an object with id, text and date fields
                           (and ``title``, which goes into the record)
``-``                      standard input: JSON Lines if it starts with ``{``, else one text
                           document with id ``stdin``
``.csv`` / ``.csv.gz``     one document per row, with a header naming the id, text and date
                           columns; the encoding is detected
``.warc`` / ``.warc.gz``   one document per HTML (or plain-text) 2xx response or resource
                           record; id = the target URI (``#2``, ``#3`` for repeats in a file)
=========================  ===============================================================

The field names (``id``, ``text``, ``published`` or else ``date``) are set with
:class:`Fields`. Text files and pages are decoded by :func:`decode`: a BOM (UTF-8, UTF-16,
UTF-32), else strict UTF-8, else the encoding charset-normalizer finds (Windows-1256 for older
Persian sites); the encoding goes into the record.

Reading is split in two so that the expensive half can run in worker processes:
:func:`read_inputs` ``(..., prepare=False)`` yields :class:`InputDoc` objects that may still hold
undecoded bytes (``raw``), and :func:`prepare` decodes them and extracts the main text of HTML.
A document that cannot be read becomes an ``InputDoc`` with its coded ``error``, never an
exception that stops the run.
"""
from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import io
import json
import os
import re
import sys
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Iterator

from welfare_nlp.settings import MAX_BYTES, MAX_EXPANSION, Fields  # Fields: defined in settings, used from here too
from welfare_nlp.errors import (ArchiveUnreadable, BadInputLine, BadTableRow, DecodeFailed, DocumentTooLarge, ExpansionLimit,
                     InputNotFound, NoMainText, WelfareNLPError, import_extra)

DOC_SUFFIXES = {".txt": "text", ".html": "html", ".htm": "html"}
# a compressed input may expand to at most MAX_EXPANSION times its own size, plus MAX_BYTES:
# news text compresses 3-10 times; a gzip bomb expands about 1,000 times
_ARCHIVE_ERRORS = (EOFError, OSError, zlib.error, UnicodeDecodeError, ValueError)


@dataclass
class InputDoc:
    id: str
    text: str | None
    published: str | None = None
    error: WelfareNLPError | None = None
    encoding: str | None = None
    title: str | None = None
    raw: bytes | None = None  # undecoded content; prepare() turns it into text
    kind: str = "text"  # "text" or "html": what raw holds
    charset: str | None = None  # declared charset (HTTP Content-Type), a hint for decode()
    url: str | None = None


# ---------------------------------------------------------------- encodings
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def encoding_name(codec: str) -> str:
    """The IANA name of a Python codec: ``cp1256`` -> ``windows-1256``, ``utf_8`` -> ``utf-8``."""
    name = codecs.lookup(codec).name
    m = re.fullmatch(r"cp(125\d)", name)
    return f"windows-{m.group(1)}" if m else name


def decode(data: bytes, declared: str | None = None, doc_id: str | None = None) -> tuple[str, str]:
    """``(text, encoding)`` for the bytes of a text file or web page; raises ``DecodeFailed`` (E004)
    for binary content or bytes that no text encoding explains."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), encoding_name(codec)
            except UnicodeDecodeError as exc:
                raise DecodeFailed(f"a {encoding_name(codec)} BOM, then invalid bytes at {exc.start}",
                                   doc_id=doc_id) from None
    if b"\x00" in data[:4096]:
        raise DecodeFailed("binary content: NUL bytes", doc_id=doc_id)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # charset_normalizer: the batch extra, needed only for text that is not UTF-8; E018 names it when missing
    from_bytes = import_extra("charset_normalizer", "batch", "decoding text that is not UTF-8",
                              doc_id=doc_id).from_bytes
    best = from_bytes(data).best()
    codec = best.encoding if best is not None else None
    if codec is None and declared:
        codec = declared
    if codec is None:
        raise DecodeFailed("binary content, or no text encoding fits the bytes", doc_id=doc_id)
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        raise DecodeFailed(f"the bytes are not valid {codec}", doc_id=doc_id) from None
    sample = text[:4096]
    if sample and len(_CONTROL.findall(sample)) > 0.05 * len(sample):
        raise DecodeFailed("binary content: control characters", doc_id=doc_id)
    return text, encoding_name(codec)


def _sniff_text_encoding(sample: bytes) -> str:
    """The codec for a streamed text file (CSV) from its first bytes."""
    for bom, codec in _BOMS:
        if sample.startswith(bom):
            return codec
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # charset_normalizer: the batch extra, needed only for text that is not UTF-8; E018 names it when missing
    from_bytes = import_extra("charset_normalizer", "batch", "decoding a CSV file that is not UTF-8").from_bytes
    best = from_bytes(sample).best()
    return best.encoding if best is not None else "utf-8"


# ---------------------------------------------------------------- HTML
# trafilatura drops characters that are not printable, the zero-width non-joiner among them, which
# Persian spelling needs (می‌شود, برنامه‌ها): it travels through as a printable stand-in
_ZWNJ = "\u200c"
_STAND_INS = ("\u2bd1", "\u2e3a", "\u2e3b", "\u2b1a", "\u2bfe")


def html_main_text(html: str, url: str | None = None) -> tuple[str, str | None, str | None]:
    """``(main text, title, publication date)`` of a web page, through trafilatura (extra: batch)."""
    # trafilatura: the batch extra, 0.15 s to import, needed only for HTML; E018 names it when missing
    trafilatura = import_extra("trafilatura", "batch", "reading HTML (.html, .htm, WARC pages)")

    stand_in = next((c for c in _STAND_INS if c not in html), None)
    if stand_in is not None and _ZWNJ in html:
        html = html.replace(_ZWNJ, stand_in)
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      date_extraction_params={"extensive_search": False, "original_date": True})
    if doc is None:
        return "", None, None
    get = doc.get if isinstance(doc, dict) else (lambda k: getattr(doc, k, None))
    text, title, date = get("text") or "", get("title"), get("date")
    if stand_in is not None:
        text = text.replace(stand_in, _ZWNJ)
        title = title.replace(stand_in, _ZWNJ) if title else title
    return text, title or None, date or None


def prepare(doc: InputDoc) -> InputDoc:
    """The document with its text: raw bytes decoded, HTML reduced to its main text. Errors go into
    ``doc.error``; a document with an error or without raw bytes comes back as it is."""
    if doc.error is not None or doc.raw is None:
        return doc
    try:
        text, encoding = decode(doc.raw, doc.charset, doc.id)
        title, published = doc.title, doc.published
        if doc.kind == "html":
            text, title, date = html_main_text(text, doc.url)
            if not text.strip():
                raise NoMainText(f"{len(doc.raw)} bytes", doc_id=doc.id)
            published = published or date
        return replace(doc, text=text, encoding=encoding, title=title, published=published, raw=None)
    except WelfareNLPError as exc:
        return replace(doc, raw=None, error=exc)


_prepare = prepare


def read_text(path: str | os.PathLike) -> str:
    """The text that the offsets of a record of the file ``path`` index: a text file's decoded characters
    (BOM removed, newlines untranslated: a Windows line end is two characters, ``\r\n``), an HTML page's
    main text. ``open(path).read()`` translates newlines, so its offsets differ after each ``\r\n``.
    Raises the coded error of a file that cannot be read (E004, E007, E011, ...)."""
    p = Path(path)
    kind = _kind(p)
    if kind not in (None, "text", "html"):
        raise ValueError(f"{p} holds several documents ({kind}): their texts are in the file itself "
                         "(and a WARC page's main text in its record's `text`)")
    doc = prepare(_read_file(p, p.stem, kind or "text", max_bytes=sys.maxsize, content=True))
    if doc.error is not None:
        raise doc.error
    return doc.text


# ---------------------------------------------------------------- readers
def _too_large(doc_id: str, size: int, max_bytes: int) -> InputDoc:
    return InputDoc(doc_id, None, error=DocumentTooLarge(f"{size:,} bytes (the limit is {max_bytes:,})",
                                                         doc_id=doc_id, hint=DocumentTooLarge.BYTES))


def _read_file(path: Path, doc_id: str, kind: str, max_bytes: int, content: bool) -> InputDoc:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return _too_large(doc_id, size, max_bytes)
        data = path.read_bytes() if content else b""
    except OSError as exc:
        return InputDoc(doc_id, None, error=InputNotFound(f"{path} ({exc.strerror})", doc_id=doc_id))
    return InputDoc(doc_id, None, raw=data, kind=kind)


def _field(obj: dict, name: str):
    if name in obj or "." not in name:
        return obj.get(name)
    for part in name.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _date(obj: dict, fields: Fields):
    value = _field(obj, fields.date) if fields.date else (obj.get("published") or obj.get("date"))
    return value if value not in ("", None) else None


class _Capped(io.RawIOBase):
    """A decompressing stream that stops with ``ExpansionLimit`` past ``limit`` bytes."""

    def __init__(self, inner, limit: int, name: str):
        self.inner, self.limit, self.name, self.total = inner, limit, name, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        n = self.inner.readinto(buf)
        self.total += n
        if self.total > self.limit:
            raise ExpansionLimit(f"{self.name} expanded past {self.limit:,} bytes", doc_id=self.name)
        return n

    def close(self) -> None:
        self.inner.close()
        super().close()


def open_bounded(path: Path, max_bytes: int = MAX_BYTES, max_expansion: int = MAX_EXPANSION):
    """A binary stream of ``path``; a ``.gz`` file is decompressed with a bound on its expanded size
    (``max_expansion`` times the compressed size, plus ``max_bytes``)."""
    if not path.name.lower().endswith(".gz"):
        return open(path, "rb")
    limit = max_expansion * path.stat().st_size + max_bytes
    return io.BufferedReader(_Capped(gzip.open(path, "rb"), limit, path.name), buffer_size=1 << 16)


def _broken(path: Path, where: str, after: str, exc: Exception) -> InputDoc:
    """The error row that ends a file which cannot be read further (the rows before it stand)."""
    if isinstance(exc, ExpansionLimit):
        return InputDoc(where, None, error=ExpansionLimit(exc.detail, doc_id=where))
    return InputDoc(where, None, error=ArchiveUnreadable(f"{path}, after {after}: {exc}", doc_id=where))


def _lines(fh, max_bytes: int) -> Iterator[bytes | None]:
    """The lines of a binary stream, each read with a bound: a line longer than ``max_bytes`` is
    skipped (in bounded pieces) and given as None."""
    while True:
        line = fh.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while True:
                rest = fh.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield line


def _read_jsonl(path: Path, fields: Fields, max_bytes: int = MAX_BYTES,
                max_expansion: int = MAX_EXPANSION, stream=None) -> Iterator[InputDoc]:
    n = 0
    try:
        with (open_bounded(path, max_bytes, max_expansion) if stream is None else contextlib.nullcontext(stream)) \
                as bfh:
            for n, data in enumerate(_lines(bfh, max_bytes), 1):
                fallback = f"{path.name}:{n}"
                if data is None:
                    yield InputDoc(fallback, None, error=DocumentTooLarge(f"line {n} is longer than {max_bytes:,} bytes",
                                                                          doc_id=fallback, hint=DocumentTooLarge.BYTES))
                    continue
                line = data.decode("utf-8-sig" if n == 1 else "utf-8", errors="replace")
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except (ValueError, RecursionError) as exc:  # also too deep, or a number too long to read
                    msg = exc.msg if isinstance(exc, json.JSONDecodeError) else type(exc).__name__
                    yield InputDoc(fallback, None, error=BadInputLine(f"line {n} is not JSON ({msg})", doc_id=fallback))
                    continue
                if not isinstance(obj, dict):
                    yield InputDoc(fallback, None, error=BadInputLine(f"line {n} is not an object", doc_id=fallback))
                    continue
                raw_id = _field(obj, fields.id)
                doc_id = str(raw_id) if raw_id not in (None, "") else fallback
                text = _field(obj, fields.text)
                if not isinstance(text, str):
                    yield InputDoc(doc_id, None, error=BadInputLine(f"line {n} has no string {fields.text!r}",
                                                                    doc_id=doc_id))
                    continue
                title = obj.get("title")
                yield InputDoc(doc_id, text, _date(obj, fields),
                               title=title.strip() if isinstance(title, str) and title.strip() else None)
    except (ExpansionLimit, *_ARCHIVE_ERRORS) as exc:
        yield _broken(path, f"{path.name}:{n + 1}", f"line {n}", exc)


def _read_csv(path: Path, fields: Fields, max_bytes: int = MAX_BYTES,
              max_expansion: int = MAX_EXPANSION) -> Iterator[InputDoc]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1, max_bytes))  # a longer field is a csv.Error row
    n = 0
    try:
        with open_bounded(path, max_bytes, max_expansion) as bfh:
            codec = _sniff_text_encoding(bfh.read(1 << 20))
        encoding = encoding_name(codec)
        with open_bounded(path, max_bytes, max_expansion) as bfh:
            fh = io.TextIOWrapper(bfh, encoding=codec, errors="replace", newline="")
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                return
            col = {name.strip(): i for i, name in enumerate(header)}
            if fields.text not in col:
                where = f"{path.name}:1"
                yield InputDoc(where, None, error=BadTableRow(f"the header has no {fields.text!r} column "
                                                              f"(columns: {', '.join(col)})", doc_id=where))
                return
            id_col, text_col = col.get(fields.id), col[fields.text]
            date_cols = [col[c] for c in ((fields.date,) if fields.date else ("published", "date")) if c in col]
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    n += 1
                    where = f"{path.name}:{reader.line_num}"
                    yield InputDoc(where, None, error=BadTableRow(f"row {n}: {exc}", doc_id=where))
                    continue
                n += 1
                if not row:
                    continue
                fallback = f"{path.name}:{n + 1}"
                doc_id = row[id_col].strip() if id_col is not None and id_col < len(row) and row[id_col].strip() \
                    else fallback
                if text_col >= len(row):
                    yield InputDoc(doc_id, None, error=BadTableRow(f"row {n} has no {fields.text!r} value",
                                                                   doc_id=doc_id))
                    continue
                date = next((row[c] for c in date_cols if c < len(row) and row[c].strip()), None)
                yield InputDoc(doc_id, row[text_col], date, encoding=encoding)
    except (ExpansionLimit, *_ARCHIVE_ERRORS) as exc:
        yield _broken(path, f"{path.name}:{n + 2}", f"row {n}", exc)


_WARC_TEXT = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}


def _content_type(value: str | None) -> tuple[str, str | None]:
    mime, _, params = (value or "").partition(";")
    m = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", params, re.I)
    return mime.strip().lower(), (m.group(1) if m else None)


def _read_warc(path: Path, max_bytes: int, content: bool) -> Iterator[InputDoc]:
    # warcio: the batch extra, needed only for WARC files; E018 names it when missing
    ArchiveIterator = import_extra("warcio.archiveiterator", "batch", f"reading {path.name} (WARC)").ArchiveIterator

    seen: dict[str, int] = {}
    n = 0
    try:
        with open(path, "rb") as fh:
            for n, rec in enumerate(ArchiveIterator(fh), 1):
                if rec.rec_type == "response":
                    if rec.http_headers is None or not rec.http_headers.get_statuscode().startswith("2"):
                        continue
                    ctype = rec.http_headers.get_header("Content-Type")
                elif rec.rec_type == "resource":
                    ctype = rec.rec_headers.get_header("Content-Type")
                else:
                    continue
                mime, charset = _content_type(ctype)
                kind = _WARC_TEXT.get(mime)
                if kind is None:
                    continue
                uri = rec.rec_headers.get_header("WARC-Target-URI") or f"{path.name}#{n}"
                seen[uri] = seen.get(uri, 0) + 1
                doc_id = uri if seen[uri] == 1 else f"{uri}#{seen[uri]}"
                size = int(rec.rec_headers.get_header("Content-Length") or 0)
                if size > max_bytes:
                    yield _too_large(doc_id, size, max_bytes)
                    continue
                data = rec.content_stream().read(max_bytes + 1) if content else b""  # HTTP gzip bodies expand
                if len(data) > max_bytes:
                    yield _too_large(doc_id, len(data), max_bytes)
                    continue
                yield InputDoc(doc_id, None, raw=data, kind=kind, charset=charset, url=uri)
    except Exception as exc:  # noqa: BLE001 - warcio raises several kinds for a damaged archive
        where = f"{path.name}:{n + 1}"
        yield InputDoc(where, None, error=ArchiveUnreadable(f"{path}, after record {n}: {type(exc).__name__}: {exc}",
                                                            doc_id=where))


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    for suffix, kind in ((".jsonl", "jsonl"), (".jsonl.gz", "jsonl"), (".csv", "csv"), (".csv.gz", "csv"),
                         (".warc", "warc"), (".warc.gz", "warc")):
        if name.endswith(suffix):
            return kind
    return DOC_SUFFIXES.get(path.suffix.lower())


def _walk(root: Path, rel: str = "", seen: set | None = None,
          ignored: list | None = None) -> Iterator[tuple[Path, str]]:
    """(file, id) for the documents and WARC files below ``root``, in name order, one directory
    listing in memory at a time. A directory reached twice (a symbolic link back up) is read once.
    Other files (``.docx``, ``.csv``, ...) are skipped; their paths go to ``ignored`` (a list) if given."""
    seen = set() if seen is None else seen
    try:
        st = root.stat()
        if (st.st_dev, st.st_ino) in seen:
            return
        seen.add((st.st_dev, st.st_ino))
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    # a file's id is its path without the suffix, unless another document file here has the same
    # stem (a.txt and a.html): then both keep their suffix, so that ids stay unique (--resume needs it)
    stems: dict[str, int] = {}
    for entry in entries:
        if Path(entry.name).suffix.lower() in DOC_SUFFIXES:
            stem = Path(entry.name).stem
            stems[stem] = stems.get(stem, 0) + 1
    for entry in entries:
        path = Path(entry.path)
        if entry.is_dir():
            yield from _walk(path, f"{rel}{entry.name}/", seen, ignored)
        elif entry.is_file() and (path.suffix.lower() in DOC_SUFFIXES or _kind(path) == "warc"):
            yield path, rel + (path.name if stems.get(path.stem, 0) > 1 else path.stem)
        elif ignored is not None and entry.is_file() and not entry.name.startswith("."):
            ignored.append(path)


def _stdin(fields: Fields, max_bytes: int) -> Iterator[InputDoc]:
    """The documents of standard input: JSON Lines if it starts with ``{``, else one text document
    with id ``stdin``."""
    stream = getattr(sys.stdin, "buffer", sys.stdin)
    head = stream.read(1 << 16)
    if head.lstrip(codecs.BOM_UTF8 + b" \t\r\n").startswith(b"{"):
        yield from _read_jsonl(Path("stdin"), fields, max_bytes, stream=io.BufferedReader(_Prefixed(head, stream)))
        return
    data = head + stream.read(max_bytes + 1 - len(head)) if len(head) <= max_bytes else head
    if len(data) > max_bytes:
        yield _too_large("stdin", len(data), max_bytes)
        return
    yield InputDoc("stdin", None, raw=data, kind="text")


class _Prefixed(io.RawIOBase):
    """``head`` (bytes already read), then the rest of ``stream``."""

    def __init__(self, head: bytes, stream):
        self.head, self.stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        if self.head:
            n = min(len(buf), len(self.head))
            buf[:n], self.head = self.head[:n], self.head[n:]
            return n
        data = self.stream.read(len(buf))
        buf[:len(data)] = data
        return len(data)


def read_inputs(paths: Iterable[str], fields: Fields | None = None, *, max_bytes: int = MAX_BYTES,
                prepare: bool = True, content: bool = True,
                max_expansion: int = MAX_EXPANSION, ignored: list | None = None) -> Iterator[InputDoc]:
    """The documents of ``paths``, streamed. With ``prepare=False`` text files, pages and WARC
    records come with undecoded ``raw`` bytes (call :func:`prepare` on each); ``content=False``
    does not even read them (to count documents). Every read is bounded: a document (file, line,
    record, field) over ``max_bytes`` is an error line, and a compressed file may expand to at most
    ``max_expansion`` times its size (plus ``max_bytes``). ``"-"`` is standard input (JSON Lines,
    or one text document). Files in directories of kinds that are not read go to ``ignored``."""
    fields = fields or Fields()
    finish = _prepare if prepare else (lambda d: d)
    for p in paths:
        if str(p) == "-":
            yield from map(finish, _stdin(fields, max_bytes))
            continue
        path = Path(p)
        if path.is_dir():
            for f, doc_id in _walk(path, ignored=ignored):
                if _kind(f) == "warc":
                    yield from map(finish, _read_warc(f, max_bytes, content))
                else:
                    yield finish(_read_file(f, doc_id, DOC_SUFFIXES[f.suffix.lower()], max_bytes, content))
        elif path.is_file():
            kind = _kind(path)
            if kind == "jsonl":
                yield from _read_jsonl(path, fields, max_bytes, max_expansion)
            elif kind == "csv":
                yield from _read_csv(path, fields, max_bytes, max_expansion)
            elif kind == "warc":
                yield from map(finish, _read_warc(path, max_bytes, content))
            else:
                yield finish(_read_file(path, path.stem, kind or "text", max_bytes, content))
        else:
            yield InputDoc(str(p), None, error=InputNotFound(str(p), doc_id=str(p)))

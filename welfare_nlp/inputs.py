"""Reading documents: ``.txt`` files, directories of ``.txt`` files (id = file stem) and
``.jsonl`` / ``.jsonl.gz`` files with ``id``, ``text`` and optional ``published``.

Each input yields ``Doc(id, text, published, error)``; a document that cannot be read yields
its error instead of stopping the run.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .errors import BadInputLine, DecodeFailed, InputNotFound, WelfareNLPError


@dataclass
class InputDoc:
    id: str
    text: str | None
    published: str | None = None
    error: WelfareNLPError | None = None


def _read_txt(path: Path, doc_id: str) -> InputDoc:
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return InputDoc(doc_id, None, error=DecodeFailed("binary content: NUL bytes", doc_id=doc_id))
    for enc in ("utf-8-sig", "utf-16"):
        try:
            if enc == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
                continue
            return InputDoc(doc_id, data.decode(enc))
        except UnicodeDecodeError:
            continue
    return InputDoc(doc_id, None, error=DecodeFailed("not valid UTF-8", doc_id=doc_id))


def _read_jsonl(path: Path) -> Iterator[InputDoc]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            fallback = f"{path.name}:{n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield InputDoc(fallback, None, error=BadInputLine(f"line {n} is not JSON ({exc.msg})", doc_id=fallback))
                continue
            if not isinstance(obj, dict):
                yield InputDoc(fallback, None, error=BadInputLine(f"line {n} is not an object", doc_id=fallback))
                continue
            doc_id = str(obj.get("id", fallback))
            text = obj.get("text")
            if not isinstance(text, str):
                yield InputDoc(doc_id, None, error=BadInputLine(f"line {n} has no string \"text\"", doc_id=doc_id))
                continue
            yield InputDoc(doc_id, text, obj.get("published") or obj.get("date"))


def read_inputs(paths: list[str]) -> Iterator[InputDoc]:
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*.txt")):
                yield _read_txt(f, f.stem)
        elif path.is_file() and (path.name.endswith(".jsonl") or path.name.endswith(".jsonl.gz")):
            yield from _read_jsonl(path)
        elif path.is_file():
            yield _read_txt(path, path.stem)
        else:
            yield InputDoc(str(p), None, error=InputNotFound(str(p), doc_id=str(p)))

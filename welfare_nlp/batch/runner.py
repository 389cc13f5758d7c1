"""Batch extraction over archives: a stream of documents through N worker processes into one output.

    summary = run(["archive.jsonl.gz", "pages/"], "out.jsonl.gz", BatchOptions(jobs=2, resume=True))
    summary = run(["archive.jsonl.gz", "pages/"], "out.jsonl.gz", jobs=2, resume=True)  # the same

* Settings: one :class:`~welfare_nlp.settings.BatchOptions` (jobs, format, resume, limits, ...), passed whole
  to the workers; keyword arguments of ``run`` named like its fields override it.

* Every input document gives exactly one output row: its record or ``{"id", "error": {"code", "message"}}``.
* Streaming: documents are read one at a time, at most a few per worker are in flight, results are
  written in input order as they come; nothing grows with the size of the archive except the set of
  ids already written (for ``resume``).
* Workers: ``multiprocessing`` processes (forkserver), each loading the pipeline once in its
  initializer; ``jobs=1`` runs in this process.
* Crash safety: the output is written whole line by whole line and flushed; ``resume`` reads the ids
  already written, first cutting off a line that a killed run left half-written (for ``.gz``,
  whatever follows the last complete line), and skips those documents.
* Output formats: JSON Lines (optionally gzipped; here), CSV and Parquet tables (``tables.py``).
"""
from __future__ import annotations

import contextlib
import gc
import gzip
import itertools
import json
import multiprocessing as mp
import os
import re
import signal
import sys
import threading
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy  # noqa: F401  # the BLAS must be loaded to be limited (one_blas_thread)

try:  # threadpoolctl (the batch extra, 10 ms) limits numpy's BLAS threads; without it they are left as they are
    from threadpoolctl import threadpool_limits
except ImportError:
    threadpool_limits = None

from welfare_nlp.errors import DocumentTooLarge, ExtractionFailed, OutputNotResumable, WelfareNLPError
from welfare_nlp.settings import FORMATS, BatchOptions, Fields  # noqa: F401  # Fields: imported from here too
from welfare_nlp.batch.readers import InputDoc, prepare, read_inputs
from welfare_nlp.batch.tables import open_tables, rows
from welfare_nlp.extractors.topic import keep
from welfare_nlp.pipeline import default_nlp, extract_many, require_models
from welfare_nlp.record import ErrorInfo, ErrorRecord


@dataclass
class Outcome:
    id: str
    code: str | None  # error code, None for a record
    message: str | None
    payload: object  # what the writer writes: a JSON line, or table rows
    filtered: bool = False  # a record left out by a topic filter: nothing is written


@dataclass
class Summary:
    documents: int = 0  # read and processed in this run
    skipped: int = 0  # already in the output (resume)
    errors: Counter = field(default_factory=Counter)  # by code, this run
    earlier_errors: int = 0  # error rows already in the output (resume)
    filtered: int = 0  # records left out by --topic
    seconds: float = 0.0
    ignored: list = field(default_factory=list)  # files in input directories of kinds that are not read
    interrupted: bool = False  # stopped by Ctrl-C (SIGINT): what was written stands, --resume continues

    @property
    def records(self) -> int:
        return self.documents - sum(self.errors.values()) - self.filtered

    @property
    def documents_per_s(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> bool:
        return bool(self.errors) or self.earlier_errors > 0

    def rate(self) -> str:
        """Documents a second, or seconds a document when that is under one a second."""
        if not self.documents or not self.seconds:
            return "no documents processed"
        if self.documents_per_s >= 1:
            return f"{self.documents_per_s:.1f} documents/s"
        return f"{self.seconds / self.documents:.1f} s/document"

    def line(self) -> str:
        errors = ", ".join(f"{c}: {k}" for c, k in sorted(self.errors.items())) or "none"
        resumed = f", {self.skipped} already written" if self.skipped else ""
        resumed += f", {_plural(self.filtered, 'record')} on other topics left out" if self.filtered else ""
        earlier = f" ({self.earlier_errors} earlier)" if self.earlier_errors else ""
        ignored = ""
        if self.ignored:
            names = ", ".join(str(p) for p in self.ignored[:5]) + (", ..." if len(self.ignored) > 5 else "")
            ignored = (f", {_plural(len(self.ignored), 'file')} of kinds that are not read skipped ({names}; "
                       f"read: .txt, .html, .htm, .warc, .warc.gz in directories)")
        return (f"{_plural(self.documents, 'document')}, {_plural(self.records, 'record')}, errors {errors}{earlier}"
                f"{resumed}{ignored}, {self.seconds:.1f} s ({self.rate()})")


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


# ---------------------------------------------------------------- one document (in a worker)
_WORKER: dict = {}  # in a worker process: its pipeline ("nlp") and the run's BatchOptions ("options")


def one_blas_thread():
    """A context in which numpy's BLAS uses one thread: a worker is one core, the processes are the
    parallelism (without it the NER model's matrix products take a second core, and ``-j 2`` would
    have four threads on two cores). Without threadpoolctl it does nothing."""
    if threadpool_limits is None:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


GC_YOUNG_THRESHOLD = 10_000  # allocations between collections of the youngest generation during a run (Python: 700)
_GC_LOCK = threading.Lock()
_GC_STATE: dict = {"depth": 0, "old": None, "frozen": 0}   # runs inside few_collections now; what was before the first


@contextlib.contextmanager
def few_collections(young: int = GC_YOUNG_THRESHOLD):
    """A context for a run over many documents, entered once the pipeline is loaded: the objects alive
    now (the loaded model, lexicons, compiled rules: about 90,000) are moved out of the cyclic garbage
    collector's reach (``gc.freeze``), and the youngest generation is collected every ``young``
    allocations instead of every 700. Each document's garbage is still collected (the collector still
    runs, only less often), so memory stays bounded; without it the collector spends about 2% of a
    run walking the same model objects again and again. The settings are the process's: runs in
    several threads share them, and the last one to finish puts back those from before the first (objects
    that someone else had frozen before stay frozen, and so then do those frozen here)."""
    with _GC_LOCK:
        if _GC_STATE["depth"] == 0:
            _GC_STATE["old"], _GC_STATE["frozen"] = gc.get_threshold(), gc.get_freeze_count()
            gc.freeze()
            gc.set_threshold(young, *_GC_STATE["old"][1:])
        _GC_STATE["depth"] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_STATE["depth"] -= 1
            if _GC_STATE["depth"] == 0:
                gc.set_threshold(*_GC_STATE["old"])
                if not _GC_STATE["frozen"]:
                    gc.unfreeze()


def _init_worker(options: BatchOptions, ignore_sigint: bool = True) -> None:
    """Pool initializer: load the pipeline once for this process, one BLAS thread, few collections
    (see :func:`few_collections`; a worker keeps both to its end)."""
    if ignore_sigint:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    nlp = default_nlp()
    gc_settings = few_collections()
    gc_settings.__enter__()
    _WORKER.update(nlp=nlp, options=options, blas=one_blas_thread(), gc=gc_settings)


def check_topic(topic) -> None:
    """A ``ValueError`` naming the unknown ones if ``topic`` (a ``BatchOptions.topic``) holds a name that
    is not a coarse topic (see ``welfare_nlp.extractors.topic.keep``)."""
    if topic:
        keep({}, topic)


def process_many(docs: list[InputDoc], nlp, options: BatchOptions | None = None, **overrides) -> list[Outcome]:
    """The outcomes of several documents, in order: each prepared (decoded, HTML main text),
    extracted (together, see ``pipeline.extract_many``), encoded for the output format. Never raises
    for a bad document. Of ``options`` (:class:`~welfare_nlp.settings.BatchOptions`; keyword arguments
    named like its fields override it) this uses ``max_chars``, ``fmt`` and ``topic``: with ``topic`` (a coarse
    topic or several, see ``welfare_nlp.extractors.topic.keep``) a record on another topic is ``filtered`` and
    not written; error rows always are."""
    options = BatchOptions.of(options, **overrides)
    prepared: list[InputDoc] = []
    errors: list[WelfareNLPError | None] = []
    for doc in docs:
        err = None
        try:
            doc = prepare(doc)
            err = doc.error
        except WelfareNLPError as exc:
            err = exc
        except Exception as exc:  # noqa: BLE001 - one bad document (or page) must not stop the run
            err = ExtractionFailed(f"{type(exc).__name__}: {exc}", doc_id=doc.id)
        prepared.append(doc)
        errors.append(err)
    todo = [d for d, e in zip(prepared, errors) if e is None]
    results = iter(extract_many(((d.text, d.id, d.published) for d in todo), nlp=nlp, batch_size=max(1, len(todo)),
                                max_chars=options.max_chars))
    return [_outcome(doc, err if err is not None else next(results), options.fmt, options.topic)
            for doc, err in zip(prepared, errors)]


def _outcome(doc: InputDoc, result, fmt: str, topic) -> Outcome:
    err = result if isinstance(result, WelfareNLPError) else None
    if isinstance(err, DocumentTooLarge) and "characters" in err.detail:  # the fix in a batch run's terms
        err = DocumentTooLarge(err.detail, doc_id=err.doc_id, hint=DocumentTooLarge.CLI)
    if err is not None:
        rec = ErrorRecord(id=doc.id, error=ErrorInfo(code=err.code, message=err.message))
    else:
        rec = result
        try:
            rec.encoding, rec.title = doc.encoding, doc.title
            if doc.kind == "html" or doc.url is not None:  # the extracted main text, which the offsets index
                rec.text = doc.text
        except Exception as exc:  # noqa: BLE001
            err = ExtractionFailed(f"{type(exc).__name__}: {exc}", doc_id=doc.id)
            rec = ErrorRecord(id=doc.id, error=ErrorInfo(code=err.code, message=err.message))
        else:
            if topic:
                if not keep({"topic": rec.topic, "social_probability": rec.social_probability}, topic):
                    return Outcome(doc.id, None, None, None, filtered=True)
    if fmt == "jsonl":
        payload = rec.to_json()
    else:
        payload = rows(rec.model_dump(mode="json"))
    return Outcome(doc.id, err.code if err else None, err.message if err else None, payload)


def _work_many(docs: list[InputDoc]) -> list[Outcome]:
    return process_many(docs, _WORKER["nlp"], _WORKER["options"])


def _batched(items: Iterable, n: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(itertools.islice(it, n)):
        yield batch


# ---------------------------------------------------------------- JSON Lines output
_ID_PREFIX = re.compile(rb'\{"id": ("(?:[^"\\]|\\.)*")(, "version": "[^"]*", "error": )?')


def _line_id(line: bytes, where: str) -> tuple[str, bool]:
    """(id, is an error row) of a complete output line."""
    m = _ID_PREFIX.match(line)
    if m:
        return json.loads(m.group(1)), m.group(2) is not None
    try:
        obj = json.loads(line)
    except ValueError:
        raise OutputNotResumable(f"{where} is not a JSON record") from None
    if not isinstance(obj, dict) or "id" not in obj:
        raise OutputNotResumable(f"{where} has no \"id\"")
    return str(obj["id"]), "error" in obj


def _gzip_lines(path: Path, state: dict) -> Iterator[bytes]:
    """The complete lines of a gzip file that a killed run may have cut anywhere: every member,
    then whatever the cut one decompresses to, up to its last newline. ``state["clean"]`` is set
    at the end: every member whole and nothing after the last line."""
    d = zlib.decompressobj(wbits=31)
    pending, broken, fed = b"", False, False
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            while chunk:
                try:
                    pending += d.decompress(chunk)
                except zlib.error:
                    broken = True
                    break
                fed = True
                if d.eof:
                    chunk, d, fed = d.unused_data, zlib.decompressobj(wbits=31), False
                else:
                    chunk = b""
            *lines, pending = pending.split(b"\n")
            for line in lines:
                yield line + b"\n"
            if broken:
                break
    state["clean"] = not (broken or fed or pending)


class JsonlWriter:
    """One JSON line per document, to a file (``.gz``: gzip) or standard output."""

    def __init__(self, output: str | None, *, resume: bool = False, gz: bool | None = None):
        self.path = Path(output) if output and output != "-" else None
        self.done: set[str] = set()
        self.earlier_errors = 0
        self._last_flush = time.monotonic()
        if self.path is None:
            self._fh, self._gz = sys.stdout.buffer, False
            return
        self._gz = self.path.name.endswith(".gz") if gz is None else gz
        if resume and self.path.exists():
            self._recover()
            mode = "ab"
        else:
            mode = "wb"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = gzip.open(self.path, mode, compresslevel=6) if self._gz else open(self.path, mode)

    def _recover(self) -> None:
        if self._gz:
            state: dict = {}
            good = 0
            for good, line in enumerate(_gzip_lines(self.path, state), 1):
                self._add(line, good)
            if not state["clean"]:  # keep the complete lines: a cut gzip member cannot be appended to
                tmp = self.path.with_name(self.path.name + ".tmp")
                with gzip.open(tmp, "wb") as out:
                    for _, line in zip(range(good), _gzip_lines(self.path, {})):
                        out.write(line)
                os.replace(tmp, self.path)
            return
        good = 0
        with open(self.path, "rb+") as fh:
            for n, line in enumerate(fh, 1):
                if not line.endswith(b"\n"):
                    break  # the half-written line of a killed run
                self._add(line, n)
                good += len(line)
            fh.truncate(good)

    def _add(self, line: bytes, n: int) -> None:
        doc_id, is_error = _line_id(line, f"line {n} of {self.path}")
        self.done.add(doc_id)
        self.earlier_errors += is_error

    def write(self, doc_id: str, payload: str) -> None:
        self._fh.write(payload.encode("utf-8") + b"\n")
        if not self._gz:
            self._fh.flush()
        elif time.monotonic() - self._last_flush > 0.25:  # a sync point a resumed run can read up to
            self._fh.flush()
            self._last_flush = time.monotonic()

    def close(self) -> None:
        if self._fh is sys.stdout.buffer:
            self._fh.flush()
        else:
            self._fh.close()


def open_writer(output: str | None, fmt: str = "jsonl", *, resume: bool = False, gz: bool | None = None):
    """The writer for ``fmt``: ``.done`` (ids already written), ``.earlier_errors``, ``write(id, payload)``, ``close()``."""
    if fmt == "jsonl":
        return JsonlWriter(output, resume=resume, gz=gz)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    return open_tables(fmt, output, resume=resume)


# ---------------------------------------------------------------- the run
def _bounded(docs: Iterable[InputDoc], slots: threading.Semaphore, stop: threading.Event) -> Iterator[InputDoc]:
    """The documents, each taking a slot that the consumer gives back: at most so many in flight."""
    for doc in docs:
        while not slots.acquire(timeout=0.2):
            if stop.is_set():
                return
        yield doc


def _pool(options: BatchOptions):
    """``options.jobs`` worker processes, each replaced after about ``options.recycle`` documents."""
    tasks_per_worker = -(-options.recycle // options.chunksize) if options.recycle else None  # tasks: chunks
    methods = mp.get_all_start_methods()
    ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        # spaCy through welfare_nlp._spacy: without torch, which thinc would import (1.3 s, 180 MB per worker)
        ctx.set_forkserver_preload(["welfare_nlp.pipeline", "welfare_nlp.batch.runner", "welfare_nlp._spacy_preload"])
    # the workers (and the fork server they come from) are born ignoring Ctrl-C, which inherits across fork and
    # exec: the terminal sends it to every process of the group, and only this one handles it
    main = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        return ctx.Pool(options.jobs, initializer=_init_worker, initargs=(options, True),
                        maxtasksperchild=tasks_per_worker)
    finally:
        if main:
            signal.signal(signal.SIGINT, old)


def _count_in_background(paths, fields, bar, limit: int | None = None, done=()) -> threading.Thread:
    """A thread that counts the documents still to do (those not ``done``) and gives the bar its total
    (and so its time left)."""
    def count():
        docs = itertools.islice(read_inputs(paths, fields, prepare=False, content=False), limit)
        n = sum(1 for d in docs if d.id not in done)
        bar.total = n
        bar.refresh()

    thread = threading.Thread(target=count, daemon=True, name="welfare-nlp-count")
    thread.start()
    return thread


def pending(paths: list[str], options: BatchOptions, done: set[str], summary: Summary) -> Iterator[InputDoc]:
    """The documents to process: read unprepared (with ``options.fields``, ``max_bytes`` and ``max_expansion``),
    the first ``options.limit``, those not ``done`` (counted as skipped); files of other kinds in input
    directories go to ``summary.ignored``."""
    docs: Iterable[InputDoc] = read_inputs(paths, options.fields, max_bytes=options.max_bytes, prepare=False,
                                           max_expansion=options.max_expansion, ignored=summary.ignored)
    if options.limit is not None:
        docs = itertools.islice(docs, options.limit)
    for doc in docs:
        if doc.id in done:
            summary.skipped += 1
            continue
        yield doc


def consume(outcomes: Iterable[Outcome], writer, summary: Summary, bar, log: Callable[[str], None] | None = None,
            on_outcome: Callable[[Outcome], None] | None = None, slots: threading.Semaphore | None = None) -> None:
    """Write each outcome as it comes and count it; a line per failed document to ``log``."""
    emit = log or (bar.write if not bar.disable else (lambda m: print(m, file=sys.stderr)))
    with _ctrl_c_between_documents() as guard:
        for out in outcomes:
            guard.busy = True   # a line written is a document counted: Ctrl-C waits for both
            if out.filtered:
                summary.filtered += 1
            else:
                writer.write(out.id, out.payload)
            summary.documents += 1
            guard.busy = False
            guard.check()
            if slots is not None:
                slots.release()
            if out.code is not None:
                summary.errors[out.code] += 1
                emit(f"welfare-nlp: {out.message} [{out.code}]")
            bar.update(1)
            if on_outcome is not None:
                on_outcome(out)


class _ctrl_c_between_documents:
    """While ``busy`` (a document's line being written and counted), Ctrl-C is held back and raised right
    after, so that the summary's count is the number of lines in the output. The handler is installed only
    in the main thread and only over Python's default one; elsewhere nothing changes."""

    def __init__(self) -> None:
        self.busy = False
        self.pending = False
        self._old = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread() \
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self._old = signal.signal(signal.SIGINT, self._handler)
        return self

    def _handler(self, signum, frame) -> None:
        if self.busy:
            self.pending = True
        else:
            raise KeyboardInterrupt

    def check(self) -> None:
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt

    def __exit__(self, *exc) -> None:
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)


def run(paths: Iterable[str], output: str | None = None, options: BatchOptions | None = None, *,
        log: Callable[[str], None] | None = None, on_outcome: Callable[[Outcome], None] | None = None,
        nlp=None, **overrides) -> Summary:
    """Extract every document of ``paths`` into ``output`` with the settings of ``options`` (a
    :class:`~welfare_nlp.settings.BatchOptions`, default: its defaults); see the module docstring.
    ``overrides`` are settings by name (``run(paths, out, jobs=2, resume=True)``), over ``options``;
    an unknown name is a ``TypeError``, a value that cannot be used a ``ValueError``.

    Settings: ``recycle``: a worker process is replaced by a fresh one (pipeline loaded anew) after about
    so many documents, which bounds the growth of spaCy's string store over a long archive (a second
    or so per replacement; ``None``: never). ``jobs=1`` runs in this process and is not recycled.
    ``progress``: a bar on standard error (``None``: only when it is a terminal); ``limit`` stops after so
    many documents read (skipped ones included); ``topic`` keeps only records on that topic (others are
    counted, not written: a resumed run reads them again).

    ``log`` gets a line per failed document (default: standard error); ``on_outcome`` sees each result
    after it is written; ``nlp``: the pipeline for ``jobs=1`` (default: the shipped one).
    Ctrl-C stops the run cleanly: the summary comes back with ``interrupted`` set (``resume`` continues).
    A path ``"-"`` is standard input."""
    options = BatchOptions.of(options, **overrides)
    check_topic(options.topic)
    paths = list(paths)
    writer = open_writer(output, options.fmt, resume=options.resume, gz=options.gz)
    summary = Summary(earlier_errors=writer.earlier_errors)
    todo = pending(paths, options, writer.done, summary)
    pool, slots, stop = None, None, threading.Event()
    t0 = time.perf_counter()
    try:
        first = next(todo, None)  # nothing left to do (a finished run resumed): no workers, no pipeline
        todo = itertools.chain([first] if first is not None else [], todo)
        if first is not None and nlp is None:  # a missing shipped model stops the run here, not in each worker
            require_models()
        if first is None:
            outcomes = iter(())
        elif options.jobs > 1:
            pool = _pool(options)
            slots = threading.Semaphore(max(64, 4 * options.jobs * options.chunksize))
            batches = pool.imap(_work_many, _batched(_bounded(todo, slots, stop), options.chunksize), 1)
            outcomes = itertools.chain.from_iterable(batches)
        else:
            if nlp is None:
                nlp = default_nlp()
            outcomes = itertools.chain.from_iterable(
                process_many(batch, nlp, options) for batch in _batched(todo, options.chunksize))
        with progress_bar(options.progress, paths, options.fields, writer.done, options.limit) as bar, \
                one_blas_thread(), few_collections():
            consume(outcomes, writer, summary, bar, log, on_outcome, slots)
    except KeyboardInterrupt:  # Ctrl-C: what is written stands (whole lines); --resume continues
        summary.interrupted = True
    finally:
        summary.seconds = time.perf_counter() - t0
        writer.close()
        if pool is not None:
            stop.set()
            pool.terminate()
            pool.join()
    return summary


def progress_bar(progress: bool | None, paths=None, fields=None, done=(), limit: int | None = None):
    """A tqdm bar on standard error (``progress=None``: only on a terminal); with ``paths`` a background
    thread counts the documents for the ETA."""
    from tqdm import tqdm  # the batch extra, only for a batch run's bar

    disable = None if progress is None else not progress  # None: only on a terminal
    bar = tqdm(total=None, unit="doc", desc="welfare-nlp", file=sys.stderr, disable=disable, dynamic_ncols=True,
               smoothing=0.05)
    if not bar.disable and paths and "-" not in paths:  # standard input cannot be read twice
        bar.counter = _count_in_background(paths, fields, bar, limit, done)
    return bar

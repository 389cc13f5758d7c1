"""The batch extraction on a Dask cluster: the same documents, outcomes and output as ``batch.run``.

    welfare-nlp extract archive.jsonl.gz -o out.jsonl --scheduler tcp://scheduler:8786

This process reads the inputs (they need not be on the workers' disks), sends them in windows of
documents as ``dask.bag`` partitions to the cluster, and writes the outcomes in input order with the
writers of ``batch`` (so ``--resume`` and the formats work the same). Each worker process loads the
pipeline once (``default_nlp``) and keeps it. Two windows are in flight, so the cluster works while
this process writes. ``dask`` and ``distributed`` are imported here only (``pip install
welfare_nlp[batch]``).
"""
from __future__ import annotations

import itertools
import time
from collections import deque
from typing import Iterable, Iterator

from welfare_nlp.batch.runner import (Outcome, Summary, _batched, consume, one_blas_thread, open_writer, pending,
                                      process_many, progress_bar)
from welfare_nlp.batch.readers import Fields, InputDoc
from welfare_nlp.errors import import_extra
from welfare_nlp.pipeline import default_nlp
from welfare_nlp.settings import MAX_BYTES, MAX_CHARS, MAX_EXPANSION


def _extract_partition(docs: Iterable[InputDoc], max_chars: int, fmt: str, topic=None) -> list[Outcome]:
    """One partition's outcomes, in batches of 16 through the worker's pipeline (loaded once per worker)."""
    with one_blas_thread():
        return [out for batch in _batched(docs, 16) for out in process_many(batch, default_nlp(), max_chars, fmt, topic)]


def extract_bag(docs: Iterable[InputDoc], *, max_chars: int = MAX_CHARS, fmt: str = "jsonl",
                npartitions: int | None = None, topic=None):
    """A ``dask.bag.Bag`` of the :class:`~welfare_nlp.batch.runner.Outcome` of each document (read with
    ``read_inputs(..., prepare=False)``: decoding and HTML extraction run on the workers too)."""
    db = import_extra("dask.bag", "batch", "running on Dask")  # the batch extra, 0.2 s to import; E018 names it
    docs = list(docs)
    return db.from_sequence(docs, npartitions=max(1, min(npartitions or 1, len(docs)))).map_partitions(
        _extract_partition, max_chars=max_chars, fmt=fmt, topic=topic)


def _windows(docs: Iterator[InputDoc], size: int) -> Iterator[list[InputDoc]]:
    while True:
        window = list(itertools.islice(docs, size))
        if not window:
            return
        yield window


def run(paths: Iterable[str], output: str | None = None, *, scheduler, jobs: int = 1, fmt: str = "jsonl",
        gz: bool | None = None, resume: bool = False, fields: Fields | None = None,
        max_chars: int = MAX_CHARS, max_bytes: int = MAX_BYTES, progress: bool | None = None,
        limit: int | None = None, window: int = 256, log=None, topic=None,
        max_expansion: int = MAX_EXPANSION) -> Summary:
    """``batch.run`` on the Dask cluster at ``scheduler`` (an address, or a ``distributed.Client``);
    ``jobs`` is ignored: the cluster's workers are the jobs."""
    Client = import_extra("distributed", "batch", "--scheduler (a Dask cluster)").Client  # batch extra, 0.4 s; E018
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    writer = open_writer(output, fmt, resume=resume, gz=gz)
    summary = Summary(earlier_errors=writer.earlier_errors)
    todo = pending(list(paths), fields or Fields(), max_bytes, limit, writer.done, summary, max_expansion)
    nparts = 2 * max(1, sum(client.nthreads().values()))

    def outcomes() -> Iterator[Outcome]:
        in_flight: deque = deque()
        for win in _windows(todo, window):
            in_flight.append(client.compute(extract_bag(win, max_chars=max_chars, fmt=fmt, npartitions=nparts,
                                                        topic=topic)))
            if len(in_flight) == 2:
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()

    t0 = time.perf_counter()
    try:
        with progress_bar(progress) as bar:
            consume(outcomes(), writer, summary, bar, log)
    finally:
        summary.seconds = time.perf_counter() - t0
        writer.close()
        if client is not scheduler:
            client.close()
    return summary

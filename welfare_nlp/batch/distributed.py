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

from welfare_nlp.batch.runner import (Outcome, Summary, _batched, check_topic, consume, few_collections,
                                      one_blas_thread, open_writer, pending, process_many, progress_bar)
from welfare_nlp.batch.readers import InputDoc
from welfare_nlp.errors import import_extra
from welfare_nlp.pipeline import default_nlp
from welfare_nlp.settings import BatchOptions


def _extract_partition(docs: Iterable[InputDoc], options: BatchOptions) -> list[Outcome]:
    """One partition's outcomes, in batches of ``options.chunksize`` through the worker's pipeline (loaded once
    per worker; the collector's settings of ``few_collections`` while it runs)."""
    nlp = default_nlp()
    with one_blas_thread(), few_collections():
        return [out for batch in _batched(docs, options.chunksize) for out in process_many(batch, nlp, options)]


def extract_bag(docs: Iterable[InputDoc], options: BatchOptions | None = None, *, npartitions: int | None = None,
                **overrides):
    """A ``dask.bag.Bag`` of the :class:`~welfare_nlp.batch.runner.Outcome` of each document (read with
    ``read_inputs(..., prepare=False)``: decoding and HTML extraction run on the workers too). Of ``options``
    (a :class:`~welfare_nlp.settings.BatchOptions`; keyword arguments named like its fields override it) the
    workers use ``max_chars``, ``fmt``, ``topic`` and ``chunksize``."""
    options = BatchOptions.of(options, **overrides)
    check_topic(options.topic)
    db = import_extra("dask.bag", "batch", "running on Dask")  # the batch extra, 0.2 s to import; E018 names it
    docs = list(docs)
    return db.from_sequence(docs, npartitions=max(1, min(npartitions or 1, len(docs)))).map_partitions(
        _extract_partition, options=options)


def _windows(docs: Iterator[InputDoc], size: int) -> Iterator[list[InputDoc]]:
    while True:
        window = list(itertools.islice(docs, size))
        if not window:
            return
        yield window


def run(paths: Iterable[str], output: str | None = None, options: BatchOptions | None = None, *, scheduler,
        log=None, **overrides) -> Summary:
    """``batch.run`` on the Dask cluster at ``scheduler`` (an address, or a ``distributed.Client``), with the
    settings of ``options`` (a :class:`~welfare_nlp.settings.BatchOptions`) and ``overrides`` by name, as
    ``batch.run`` takes them. ``options.window`` documents go to the cluster at a time, in batches of
    ``options.chunksize`` within a partition; ``jobs`` and ``recycle`` are not used: the cluster's workers are
    the jobs."""
    options = BatchOptions.of(options, **overrides)
    check_topic(options.topic)
    Client = import_extra("distributed", "batch", "--scheduler (a Dask cluster)").Client  # batch extra, 0.4 s; E018
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    writer = open_writer(output, options.fmt, resume=options.resume, gz=options.gz)
    summary = Summary(earlier_errors=writer.earlier_errors)
    todo = pending(list(paths), options, writer.done, summary)
    nparts = 2 * max(1, sum(client.nthreads().values()))

    def outcomes() -> Iterator[Outcome]:
        in_flight: deque = deque()
        for win in _windows(todo, options.window):
            in_flight.append(client.compute(extract_bag(win, options, npartitions=nparts)))
            if len(in_flight) == 2:
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()

    t0 = time.perf_counter()
    try:
        with progress_bar(options.progress) as bar:
            consume(outcomes(), writer, summary, bar, log)
    finally:
        summary.seconds = time.perf_counter() - t0
        writer.close()
        if client is not scheduler:
            client.close()
    return summary

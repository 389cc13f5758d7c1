"""Settings in one place: the limits on input and where the shipped models are.

Limits (see docs/limits.md): ``MAX_CHARS``, the longest document accepted (characters: 12 times the
longest article of the news corpus; memory and time grow with the length, so longer input is refused,
E003); ``MAX_BYTES``, the largest input file or archive member read (bytes, E003); ``MAX_EXPANSION``, the
largest ratio of decompressed to compressed size of a ``.gz`` input (E015).

Batch runs: :class:`BatchOptions`, one frozen object with every setting of a batch run (``welfare_nlp.batch.runner.run``,
``welfare_nlp.batch.distributed.run``, the worker processes and ``welfare-nlp extract``), checked when it is made;
:class:`Fields`, the names of the input fields it reads; ``FORMATS``, the output formats.

Models:

The models live at the top of the repository (``models/ner``, ``models/topic``). A wheel or sdist
carries them inside the package (``welfare_nlp/models/ner``, ``welfare_nlp/models/topic``, mapped
there by ``pyproject.toml``); an editable install or a checkout finds them at the top level. The
environment variables ``WELFARE_NLP_NER`` and ``WELFARE_NLP_TOPIC`` point elsewhere.

A model the pipeline was asked for (the default pipeline asks for both) that is not there is an
error (E008 for NER, E017 for topics), never a silent degradation: a cluster whose workers lack the
models would otherwise give other results than a laptop. ``load(ner=None)`` runs without NER.
"""
from __future__ import annotations

import dataclasses
import difflib
import os
from dataclasses import dataclass
from pathlib import Path

MAX_CHARS = 500_000
MAX_BYTES = 64 * 1024 * 1024
MAX_EXPANSION = 200
FORMATS = ("jsonl", "csv", "parquet")  # the output formats of a batch run

PACKAGE = Path(__file__).resolve().parent
INSTALLED = PACKAGE / "models"  # a wheel or sdist install
CHECKOUT = PACKAGE.parent / "models"  # a checkout or an editable install
SHIPPED = ("ner", "topic")  # what the distribution carries (not models/ner_cnn, the previous NER model)


def model_dir(name: str) -> Path:
    """The directory of the shipped model ``name`` (``"ner"`` or ``"topic"``): the installed copy if
    there is one, else the checkout's ``models/<name>`` (which may not exist: see ``welfare_nlp.pipeline.require_models``)."""
    installed = INSTALLED / name
    return installed if installed.is_dir() else CHECKOUT / name


def model_location(name: str, path: str | os.PathLike | None = None) -> Path:
    """Where the model ``name`` (``"ner"`` or ``"topic"``) is read from: ``path`` if given (not ``"default"``),
    else ``$WELFARE_NLP_<NAME>`` if set, else the shipped one (:func:`model_dir`)."""
    if path not in (None, "default"):
        return Path(path)
    env = os.environ.get(f"WELFARE_NLP_{name.upper()}")
    return Path(env) if env else model_dir(name)


# ---------------------------------------------------------------- batch runs
@dataclass(frozen=True)
class Fields:
    """Names of the id, text and date fields of ``.jsonl`` objects and CSV columns.

    ``date=None`` looks for ``published``, then ``date``. A dotted name (``meta.date``) reaches
    into nested objects when no key has the whole name."""
    id: str = "id"
    text: str = "text"
    date: str | None = None


class OptionError(ValueError):
    """A :class:`BatchOptions` value that cannot be used: ``option`` names the setting (``max_chars``), ``value``
    is what it was given, ``least`` the smallest number it takes (``None`` where it is not a number)."""

    def __init__(self, option: str, problem: str, value=None, least: int | None = None):
        super().__init__(f"{option}: {problem}")
        self.option, self.problem, self.value, self.least = option, problem, value, least


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class BatchOptions:
    """Every setting of a batch run, with the defaults of ``welfare-nlp extract``.

        options = BatchOptions(jobs=2, resume=True)
        run(paths, "out.jsonl", options)                 # welfare_nlp.batch.runner.run
        run(paths, "out.jsonl", options, limit=100)      # the same with one setting changed
        options.replace(fmt="csv")                       # a copy with some settings changed

    The values are checked here (:class:`OptionError`, a ``ValueError`` that names the setting). The names
    of ``topic`` are checked by the runner (they are the topic model's, a layer above this one).
    """
    jobs: int = 1  # worker processes; 1 runs in the calling process (ignored on Dask: the cluster's workers are)
    fmt: str = "jsonl"  # one of FORMATS
    gz: bool | None = None  # gzip the JSON Lines; None: when the output ends in .gz
    resume: bool = False  # keep the output and skip the ids already in it
    fields: Fields = Fields()  # the input's field names (None: the defaults)
    max_chars: int | None = MAX_CHARS  # longest document accepted (characters; None: no limit), else E003
    max_bytes: int = MAX_BYTES  # largest file, input line or archive record read (bytes), else E003
    max_expansion: int = MAX_EXPANSION  # a .gz input expands to at most this many times its size, else E015
    progress: bool | None = None  # a progress bar on standard error; None: only when it is a terminal
    limit: int | None = None  # stop after so many documents read (skipped ones included); None: all
    chunksize: int = 64  # documents per batch sent to a worker (the NER model reads a whole batch at once)
    recycle: int | None = 20_000  # replace a worker process after about so many documents; None or 0: never
    topic: tuple[str, ...] | None = None  # keep only records on these coarse topics (a name, or several)
    window: int = 256  # documents per window sent to a Dask cluster

    def __post_init__(self) -> None:
        # frozen: the normal forms are set through object.__setattr__
        if self.fields is None:
            object.__setattr__(self, "fields", Fields())
        elif not isinstance(self.fields, Fields):
            raise OptionError("fields", f"expected a Fields(id=..., text=..., date=...), not {self.fields!r}",
                              self.fields)
        if isinstance(self.topic, str):
            object.__setattr__(self, "topic", (self.topic,))
        elif self.topic is not None:
            object.__setattr__(self, "topic", tuple(self.topic) or None)
        if self.fmt not in FORMATS:
            raise OptionError("fmt", f"unknown format {self.fmt!r}; one of {', '.join(FORMATS)}", self.fmt)
        for name, least, when_none in (("jobs", 1, None), ("chunksize", 1, None), ("window", 1, None),
                                       ("max_bytes", 1, None), ("max_expansion", 1, None),
                                       ("max_chars", 1, "no limit"), ("limit", 0, "all documents"),
                                       ("recycle", 0, "never")):
            value = getattr(self, name)
            if value is None and when_none:
                continue
            if not _count(value) or value < least:
                also = f", or None ({when_none})" if when_none else ""
                raise OptionError(name, f"must be a whole number of at least {least}{also}, not {value!r}",
                                  value, least)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    def replace(self, **changes) -> BatchOptions:
        """A copy with ``changes`` (setting names); an unknown name is a ``TypeError`` that names it."""
        unknown = [k for k in changes if k not in self.names()]
        if unknown:
            hints = [f"{k!r} (did you mean {m[0]!r}?)" if (m := difflib.get_close_matches(k, self.names(), 1)) else
                     repr(k) for k in unknown]
            raise TypeError(f"unknown batch option{'s' if len(unknown) > 1 else ''} {', '.join(hints)}; "
                            f"the options are {', '.join(self.names())}")
        return dataclasses.replace(self, **changes) if changes else self

    @classmethod
    def of(cls, options: BatchOptions | None = None, **overrides) -> BatchOptions:
        """``options`` (default: the defaults) with ``overrides``: what a function that takes both uses."""
        if options is None:
            options = cls()
        elif not isinstance(options, cls):
            raise TypeError(f"options must be a BatchOptions, not {type(options).__name__}")
        return options.replace(**overrides)

"""Coded errors. Each says what went wrong with which document and how to fix it."""
from __future__ import annotations

import importlib


class WelfareNLPError(Exception):
    code = "E000"
    template = "{detail}"

    def __init__(self, detail: str = "", *, doc_id: str | None = None, **kw):
        self.doc_id = doc_id
        self.detail = detail
        msg = self.template.format(detail=detail, **kw)
        if doc_id is not None:
            msg = f"document {doc_id!r}: {msg}"
        super().__init__(msg)

    @property
    def message(self) -> str:
        return str(self)

    def __reduce__(self):
        # pickled as it is (to and from worker processes), not rebuilt from the formatted message
        return _restore, (type(self), str(self), self.doc_id, self.detail)


def _restore(cls, message: str, doc_id: str | None, detail: str) -> WelfareNLPError:
    exc = cls.__new__(cls)
    Exception.__init__(exc, message)
    exc.doc_id, exc.detail = doc_id, detail
    return exc


class EmptyDocument(WelfareNLPError):
    code = "E001"
    template = "the text is empty or only whitespace {detail}; give the document some text or drop it from the input"


class NotText(WelfareNLPError):
    code = "E002"
    template = "the input is not text ({detail}); pass a str, or decode bytes first"


class DocumentTooLarge(WelfareNLPError):
    code = "E003"
    template = "{detail}: over the size limit; {hint}"
    # the fix in the caller's terms: a library call (the default), a command line run, a file read
    LIBRARY = "pass max_chars=None to lift the limit (or a larger max_chars=), or split the text"
    CLI = "raise --max-chars (text) or --max-bytes (files, lines), or split it"
    BYTES = "raise --max-bytes (max_bytes= in welfare_nlp.batch.runner.run and read_inputs), or split it"

    def __init__(self, detail: str = "", *, doc_id: str | None = None, hint: str | None = None):
        super().__init__(detail, doc_id=doc_id, hint=hint or self.LIBRARY)


class DecodeFailed(WelfareNLPError):
    code = "E004"
    template = "the file could not be decoded as text ({detail}); save it as UTF-8"


class BadInputLine(WelfareNLPError):
    code = "E005"
    template = "{detail}; each line of a .jsonl input must be a JSON object with \"id\" and \"text\""


class BadPublished(WelfareNLPError):
    """No longer raised by extraction: a publication date that cannot be read (ISO, other Gregorian forms
    or Jalali) leaves ``published`` null with a ``W006`` line in the record's ``warnings``. Kept so that
    code catching it still imports, and E006 keeps its meaning."""

    code = "E006"
    template = "the publication date {detail} could not be read as a Gregorian or Jalali date"


class InputNotFound(WelfareNLPError):
    code = "E007"
    template = ("{detail} does not exist or cannot be read; give a directory or a .txt, .html, .jsonl(.gz), .csv(.gz) "
                "or .warc(.gz) file")


class ExtractionFailed(WelfareNLPError):
    code = "E010"
    template = "extraction failed: {detail}; please report it with the document"


class ModelNotFound(WelfareNLPError):
    code = "E008"
    template = ("no NER model at {detail}: expected a spaCy model directory (config.cfg, meta.json) or a Hugging Face "
                "token-classification directory (config.json, *.safetensors); pass load(ner=None) to run without one")


class UnsafeModel(WelfareNLPError):
    code = "E009"
    template = "{detail}: only spaCy's own format and safetensors weights are loaded, never pickle files"


class NoMainText(WelfareNLPError):
    code = "E011"
    template = "no main text found in the HTML page ({detail}); the page may be a stub, an index or a script-only page"


class BadTableRow(WelfareNLPError):
    code = "E012"
    template = "{detail}; each CSV row needs a text column (set it with --text-field, the id with --id-field)"


class ArchiveUnreadable(WelfareNLPError):
    code = "E013"
    template = ("the archive could not be read further ({detail}); the documents before this point were read, "
                "the rest of the file is damaged or truncated")


class OutputNotResumable(WelfareNLPError):
    code = "E014"
    template = "cannot resume: {detail}; resume only into an output that an earlier welfare-nlp run wrote"


class ExpansionLimit(WelfareNLPError):
    code = "E015"
    template = ("{detail}: a compressed input expanded past its bound (a decompression bomb or a damaged file); "
                "the documents before this point were read. Raise --max-expansion if the file is genuine")


class NotUnicode(WelfareNLPError):
    code = "E016"
    template = ("{detail}: the text is not valid Unicode (a lone surrogate, usually from text decoded with "
                "'surrogateescape'); decode the bytes with errors='replace' or pass them as a file")


class TopicModelNotFound(WelfareNLPError):
    code = "E017"
    template = ("no topic model at {detail}: the install lacks the shipped model (reinstall welfare_nlp from a wheel or "
                "sdist that carries models/, or set WELFARE_NLP_TOPIC to a model directory); to run without topics, "
                "leave the stage out: load(stages=[s for s in STAGES if s != \"topic\"]) (welfare_nlp.pipeline.factories.STAGES)")


class MissingExtra(WelfareNLPError):
    code = "E018"
    template = "{detail}, which the {extra!r} extra installs: pip install \"welfare_nlp[{extra}]\""

    def __init__(self, detail: str = "", *, extra: str = "batch", doc_id: str | None = None):
        super().__init__(detail, doc_id=doc_id, extra=extra)


def import_extra(module: str, extra: str, what: str, doc_id: str | None = None):
    """``module``, imported; a coded error (E018) naming the extra to install when it is not there."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(f"{what} needs the package {module.split('.')[0]}", extra=extra, doc_id=doc_id) from None

"""The document record: a typed model with a published JSON Schema and stable ids.

Every item carries ``start``/``end`` offsets into the ORIGINAL input text, the exact ``text``
there (``raw[start:end] == text``), where it came from (``source``: ``rule:...``,
``gazetteer:...`` or ``model:...``) and a ``score`` in [0, 1].
"""
from __future__ import annotations

import hashlib
import json
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from welfare_nlp.about import __version__

Qualifier = Optional[Literal["more_than", "less_than", "about", "range"]]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(_Model):
    start: int = Field(ge=0, description="offset of the first character in the original text")
    end: int = Field(ge=0, description="offset after the last character in the original text")
    text: str = Field(description="the original text between start and end")


class Item(Span):
    source: str = Field(description="rule:<name>, gazetteer:<lexicon> or model:<name>")
    score: float = Field(ge=0, le=1)


class Official(Item):
    name: str
    title: Optional[str] = None
    organization: Optional[str] = None
    honorific: Optional[str] = None
    role_source: Optional[str] = None
    title_span: Optional[Span] = None
    organization_span: Optional[Span] = None
    mentions: list[Span] = Field(default_factory=list, description="later mentions: surname, role or pronoun")


class Province(Item):
    name: str = Field(description="canonical Persian name")
    code: str = Field(description="ISO 3166-2:IR code")
    mentions: list[Span] = Field(default_factory=list)


class City(Item):
    name: str
    province: Optional[str] = None
    province_code: Optional[str] = None


class Figure(Item):
    """What every amount and head count says besides its value (GUIDELINES "attributes")."""

    about: list[Span] = Field(default_factory=list,
                              description="what the figure is for or what the people received, did or are: "
                                          "one or two phrases of the text, 50 characters at most in all")
    province: Optional[str] = Field(None, description="canonical name of the province the figure applies to; "
                                                      "null when national, multi-province or not given")
    province_code: Optional[str] = Field(None, description="ISO 3166-2:IR code of `province`")
    speaker: Optional[str] = Field(None, description="name of the official whose statement holds the figure "
                                                     "(as in `officials`); null for the article's own voice")
    speaker_official: Optional[int] = Field(None, ge=0, description="index of `speaker` in `officials`")
    event: Optional[int] = Field(None, ge=0, description="index in `events` of the event the figure belongs to")


class Amount(Figure):
    value: float = Field(ge=0, allow_inf_nan=False)
    max: Optional[float] = None
    currency: str = Field(description="IRT (toman), IRR (rial) or an ISO 4217 code")
    qualifier: Qualifier = None


class HeadCount(Figure):
    value: float = Field(ge=0, allow_inf_nan=False)
    max: Optional[float] = None
    noun: str
    unit: Literal["person", "household"] = "person"
    qualifier: Qualifier = None


class Percentage(Item):
    value: float = Field(allow_inf_nan=False)
    max: Optional[float] = None


class Date(Item):
    year: Optional[int] = Field(None, description="Jalali year as stated")
    month: Optional[int] = None
    day: Optional[int] = None
    anchored_year: Optional[int] = Field(None, description="Jalali year inferred for a date stated without one: from "
                                                           "a relative or stated year in its sentence, else from the "
                                                           "publication date")
    iso: Optional[str] = Field(None, description="Gregorian date when year, month and day are known")
    mentions: list[Span] = Field(default_factory=list)


class Quote(Item):
    speaker: str


class Organization(Item):
    name: str


class Entity(Item):
    label: str


class Event(Item):
    type: Literal["workshop", "meeting", "visit", "interview", "funding", "agreement", "appointment",
                  "ceremony", "announcement", "report", "incident"]
    trigger: Optional[str] = Field(None, description="the words that decided the type; null when none did "
                                                     "(the span is then the text's first sentence)")
    date: Optional[Date] = None
    place: Optional[str] = Field(None, description="the event's province, else the text's first province or city")
    province: Optional[str] = Field(None, description="canonical province of the headline and lead, when one")
    province_code: Optional[str] = None
    participants: list[int] = Field(default_factory=list, description="indexes in `officials`")
    amounts: list[int] = Field(default_factory=list, description="indexes in `amounts` of its figures")
    head_counts: list[int] = Field(default_factory=list, description="indexes in `head_counts` of its figures")


class ErrorInfo(_Model):
    code: str
    message: str


class Record(_Model):
    id: str
    version: str = __version__
    published: Optional[str] = None
    officials: list[Official] = Field(default_factory=list)
    provinces: list[Province] = Field(default_factory=list)
    cities: list[City] = Field(default_factory=list)
    organizations: list[Organization] = Field(default_factory=list)
    amounts: list[Amount] = Field(default_factory=list)
    head_counts: list[HeadCount] = Field(default_factory=list)
    percentages: list[Percentage] = Field(default_factory=list)
    dates: list[Date] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    topic: Optional[str] = Field(None, description="coarse topic (politics, social, economy, sports, culture, world) "
                                                   "from the topic model; null without a model")
    topic_probability: Optional[float] = Field(None, ge=0, le=1, description="the model's probability of `topic`")
    social_probability: Optional[float] = Field(None, ge=0, le=1,
                                                description="probability that the document is social/welfare news "
                                                            "(the model's binary head)")
    encoding: Optional[str] = Field(None, description="the input's detected text encoding (files, HTML, WARC, CSV)")
    title: Optional[str] = Field(None, description="the page title of an HTML or WARC input, or the `title` field of "
                                                   "a JSON Lines input")
    text: Optional[str] = Field(None, description="the main text extracted from an HTML page or a WARC record: what "
                                                  "the offsets of an HTML or WARC input index; null for other inputs, "
                                                  "whose offsets index the input's own decoded characters "
                                                  "(welfare_nlp.read_text)")
    warnings: list[str] = Field(default_factory=list,
                                description="problems with the input that did not stop the extraction, e.g. a "
                                            "publication date that could not be read (then `published` is null)")

    def to_json(self) -> str:
        return dumps_line(self.model_dump(mode="json", exclude_none=False))


class ErrorRecord(_Model):
    id: str
    version: str = __version__
    error: ErrorInfo

    def to_json(self) -> str:
        return dumps_line(self.model_dump(mode="json"))


_LINE_BREAKS = {ord("\x85"): "\\u0085", ord("\u2028"): "\\u2028", ord("\u2029"): "\\u2029"}


def dumps_line(obj) -> str:
    """One JSON line, UTF-8 text kept readable; the characters that some readers take for line
    breaks (NEL, U+2028, U+2029: Python's ``str.splitlines`` does) are written escaped."""
    line = json.dumps(obj, ensure_ascii=False)
    # str.translate visits every character; a search for the three is many times faster, and they are rare
    if "\x85" in line or "\u2028" in line or "\u2029" in line:
        line = line.translate(_LINE_BREAKS)
    return line


def content_id(text: str) -> str:
    """A stable id for a document without one: a hash of its text."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def json_schema() -> dict:
    schema = Record.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://welfare-nlp.example/schema/record-{__version__}.json"
    schema["title"] = "welfare_nlp document record"
    return schema

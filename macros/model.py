"""The atlas's data model: every field of every record, defined once.

The JSON Schema files (``atlas schema``), the validator and the field reference
in the contributor guide are all derived from these classes. Nothing here
imports MkDocs.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Annotated, Any, Iterator, Literal, Optional, Union, get_args

import langcodes
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Tag,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
)
from pydantic_core import PydanticCustomError, core_schema

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # whole text only: use is_id, never ID_RE.match


def is_id(value: object) -> bool:
    """An id is the whole text, with nothing after it (not even a newline, which `$` would let by)."""
    return isinstance(value, str) and ID_RE.fullmatch(value) is not None

# File names an id may not take: generated index pages, and names Windows reserves.
RESERVED_IDS = frozenset(
    ["index", "con", "prn", "aux", "nul"] + [f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10)]
)
DEFAULT_COLOR = "#777777"  # a vocabulary term without a colour of its own
FIRST_YEAR, LAST_YEAR = 1000, 2100  # a year outside these is a typo, not history
LATITUDE, LONGITUDE = (-90, 90), (-180, 180)  # WGS 84 decimal degrees
# A date's text as far as a regular expression can tell: a year of FIRST_YEAR..LAST_YEAR, month
# 01-12, day 01-31 (the validator also knows each month's length).
DATE_PATTERN = r"^(1[0-9]{3}|20[0-9]{2}|2100)(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
# JSON Schema keyword naming the list of values a field takes from the data (vocabulary terms,
# country codes): `macros.schema` replaces it with an `enum` of them.
ENUM_FROM = "x-atlas-enum"


@dataclass(frozen=True)
class JsonSchema:
    """JSON Schema keywords for editors only; the model's validators do the checking (with
    their own messages). Keywords are (name, value) pairs."""

    keywords: tuple[tuple[str, Any], ...]

    def __get_pydantic_json_schema__(self, core: Any, handler: GetJsonSchemaHandler) -> dict:
        schema = handler(core)
        schema.update(self.keywords)
        return schema


def terms_of(section: str) -> JsonSchema:
    """An id from vocabulary.yaml's `section` (or a country code, section "countries")."""
    return JsonSchema(((ENUM_FROM, section),))


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day (``1957``, ``1957-10``, ``1957-10-29``)."""

    year: int
    month: int = 0
    day: int = 0

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month, self.day)

    @classmethod
    def parse(cls, value: Any) -> "PartialDate":
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise PydanticCustomError("date_type", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD")
        text = str(value)
        match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
        if not match:
            raise PydanticCustomError(
                "date_format", "'{text}' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD", {"text": text}
            )
        year, month, day = (int(g) if g else 0 for g in match.groups())
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise PydanticCustomError(
                "date_value", "'{text}' is not a plausible year: write a year from {first} to {last}",
                {"text": text, "first": FIRST_YEAR, "last": LAST_YEAR},
            )
        if match.group(2) and not 1 <= month <= 12:
            raise PydanticCustomError("date_value", "'{text}' does not exist: no month {month}", {"text": text, "month": month})
        if match.group(3) and not 1 <= day <= calendar.monthrange(year, month)[1]:
            raise PydanticCustomError("date_value", "'{text}' does not exist", {"text": text})
        return cls(year, month, day)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse, serialization=core_schema.to_string_ser_schema()
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: GetJsonSchemaHandler) -> dict:
        return {
            "anyOf": [
                {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
                {"type": "string", "pattern": DATE_PATTERN},
            ],
            "description": "A date as precise as the source gives it: YYYY, YYYY-MM or YYYY-MM-DD.",
        }


def _check_id(value: str) -> str:
    if not is_id(value):
        raise PydanticCustomError(
            "id_format", "'{value}' is not an id: use lowercase ASCII words joined by '-'", {"value": value}
        )
    return value


# Characters a URL may not hold as written: percent-encode them.
_URL_ESCAPES = {" ": "%20", '"': "%22", "'": "%27", "<": "%3C", ">": "%3E", "`": "%60", "\\": "%5C"}


def _check_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/?#]+", value):
        raise PydanticCustomError("url_scheme", "'{value}' is not an http or https URL", {"value": value})
    for char, code in _URL_ESCAPES.items():
        if char in value:
            raise PydanticCustomError(
                "url_char", "'{value}' contains '{char}': write it as {code}", {"value": value, "char": char, "code": code}
            )
    if re.search(r"[\x00-\x20\x7f-\x9f]", value):
        raise PydanticCustomError("url_char", "'{value}' contains a space or control character: remove it", {"value": value})
    return value


def _check_text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be blank")
    return value


def _check_language(value: str) -> str:
    if "_" in value or not langcodes.tag_is_valid(value):
        hint = langcodes.standardize_tag(value) if langcodes.tag_is_valid(value.replace("_", "-")) else None
        raise PydanticCustomError(
            "language_tag",
            "'{value}' is not a BCP 47 language tag such as ja, ko or zh-Hant" + (": write '{hint}'" if hint else ""),
            {"value": value, "hint": hint},
        )
    return value


def _check_country(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise PydanticCustomError(
            "country_format", "'{value}' is not an ISO 3166-1 alpha-2 code such as JP or TW", {"value": value}
        )
    return value


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


Id = Annotated[str, AfterValidator(_check_id), JsonSchema((("pattern", ID_PATTERN),))]
Url = Annotated[str, AfterValidator(_check_url), JsonSchema((("pattern", r"^https?://[^\s/?#]+"),))]
Country = Annotated[str, AfterValidator(_check_country), terms_of("countries")]
RelationshipType = Annotated[Id, terms_of("relationship_types")]
Markdown = Annotated[str, Field(description="Markdown text (raw HTML is shown as text).")]
Text = Annotated[str, Field(min_length=1), AfterValidator(_check_text)]
Language = Annotated[str, AfterValidator(_check_language), Field(description="A BCP 47 language tag.")]


class Record(BaseModel):
    """Base of every record: unknown fields are errors, types are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SourceEntry(Record):
    """A work cited: a bibliography entry in data/sources/, or written in place."""

    title: Text = Field(description="Title of the work, page or article.")
    author: Optional[str] = Field(None, description="Author(s), as credited.")
    publisher: Optional[str] = Field(None, description="Publisher, newspaper, site or government body.")
    date: Optional[PartialDate] = Field(None, description="Publication date, as precise as known.")
    url: Optional[Url] = Field(None, description="Where to read it (http or https).")
    accessed: Optional[PartialDate] = Field(None, description="When the URL was read.")
    language: Optional[Language] = Field(None, description="Language of the work (BCP 47, e.g. ja, zh-Hant).")
    note: Optional[Markdown] = Field(None, description="What the work says that matters here.")


def _source_kind(value: Any) -> str:
    return "~entry" if isinstance(value, dict) else "~ref"


# A source is cited by id or written in place; the tags keep error messages to the branch that applies.
SourceRef = Annotated[
    Union[Annotated[Id, Tag("~ref")], Annotated[SourceEntry, Tag("~entry")]],
    Discriminator(_source_kind),
]
Sources = Annotated[
    list[SourceRef],
    Field(min_length=1, description="At least one: a data/sources/ id or a source written in place."),
]


class Alternative(Record):
    """A value that another source gives for the same claim."""

    signed: Optional[PartialDate] = Field(None, description="The date this source gives.")
    ended: Optional[PartialDate] = Field(None, description="The end date this source gives.")
    since: Optional[PartialDate] = Field(None, description="The start date this source gives.")
    type: Optional[RelationshipType] = Field(None, description="The relationship type this source gives.")
    status: Optional[Literal["active", "ended", "suspended", "disputed"]] = Field(
        None, description="The status this source gives."
    )
    count: Optional[int] = Field(None, ge=0, description="The count this source gives.")
    note: Optional[Markdown] = None
    sources: Sources


Status = Literal["active", "ended", "suspended", "disputed"]
PopulationKind = Literal["census", "estimate", "register"]
# The data/sources/ id of GeoNames: a population cited to it is GeoNames' figure, and pages say so.
GEONAMES_SOURCE = "geonames"
# The population_note that goes with a GeoNames figure, which is undated.
GEONAMES_POPULATION_NOTE = "GeoNames' figure, used until an official one is found; GeoNames does not say which year it is for."


class Relationship(Record):
    """A link between this place and another, recorded once in either place's file."""

    with_: Id = Field(alias="with", description="The partner place's id (its file name in data/cities/).")
    type: RelationshipType = Field(description="Relationship type: an id from vocabulary.yaml `relationship_types`.")
    wording: Optional[str] = Field(None, description="The source's own name for the tie, where it says more than the type.")
    body: Optional[str] = Field(None, description="The body on this side when it is not the city government (a port, council, district, board).")
    partner_body: Optional[str] = Field(None, description="The body on the partner's side, likewise.")
    signed: Optional[PartialDate] = Field(None, description="When it was signed, as precise as the source; omit when unknown.")
    ended: Optional[PartialDate] = Field(None, description="When it ended; implies status ended unless given.")
    status: Optional[Status] = Field(None, description="active (default), ended, suspended or disputed.")
    topics: list[Annotated[Id, terms_of("topics")]] = Field(default_factory=list, description="Topic ids from vocabulary.yaml `topics`.")
    note: Optional[Markdown] = Field(None, description="Caveats and context.")
    sources: Sources
    alternatives: list[Alternative] = Field(default_factory=list, description="What other sources say where they disagree.")


    @property
    def effective_status(self) -> str:
        return self.status or ("ended" if self.ended else "active")


class Membership(Record):
    """Membership of a network or international body."""

    network: Id = Field(description="The network's id (its file name in data/networks/).")
    since: Optional[PartialDate] = Field(None, description="When it joined.")
    until: Optional[PartialDate] = Field(None, description="When it left.")
    role: Annotated[Id, terms_of("roles")] = Field("member", description="Role id from vocabulary.yaml `roles`.")
    note: Optional[Markdown] = None
    sources: Sources
    alternatives: list[Alternative] = Field(default_factory=list)


class Event(Record):
    """A dated happening: a visit, an award, a suspension, a milestone."""

    date: Optional[PartialDate] = Field(None, description="When it happened.")
    title: Text = Field(description="One line saying what happened.")
    kind: Annotated[Id, terms_of("event_kinds")] = Field(description="Event kind id from vocabulary.yaml `event_kinds`.")
    with_: list[Id] = Field(default_factory=list, alias="with", description="Other places involved.")
    network: Optional[Id] = Field(None, description="A network involved.")
    program: Optional[Id] = Field(None, description="A programme involved.")
    note: Optional[Markdown] = None
    sources: Sources



class _OneOrMany:
    """In the JSON Schema, a list of values may be written as one value (see _one_or_many)."""

    def __get_pydantic_json_schema__(self, core: Any, handler: GetJsonSchemaHandler) -> dict:
        many = handler(core)
        return {"anyOf": [many["items"], many]}


class Reported(Record):
    """A count the place publishes about itself (e.g. 'Taipei has 53 sister cities')."""

    of: Annotated[list[RelationshipType], BeforeValidator(_one_or_many), _OneOrMany()] = Field(
        description="Relationship type id(s) the count covers; the atlas counts the same types."
    )
    label: Optional[str] = Field(None, description="The source's own name for what it counts (e.g. 'allied cities').")
    count: int = Field(ge=0, description="The published number.")
    as_of: Optional[PartialDate] = Field(None, description="When the number was published or valid.")
    note: Optional[Markdown] = None
    sources: Sources


class Profile(Record):
    """Comparison dimensions (from the Yokohama–Taipei comparison), Markdown each."""

    core_focus: Optional[Markdown] = None
    shared_attributes: Optional[Markdown] = None
    key_mechanisms: Optional[Markdown] = None
    network_participation: Optional[Markdown] = None
    sister_cities: Optional[Markdown] = None
    diplomatic_style: Optional[Markdown] = None
    sources: Sources


_LAT_LON = JsonSchema((("prefixItems", [
    {"type": "number", "minimum": LATITUDE[0], "maximum": LATITUDE[1], "description": "latitude"},
    {"type": "number", "minimum": LONGITUDE[0], "maximum": LONGITUDE[1], "description": "longitude"},
]),))


class Place(Record):
    """A place: city, township, district, county, prefecture, province, state or territory."""

    name: Text = Field(description="English name.")
    names: dict[Language, Text] = Field(default_factory=dict, description="Names in other languages or scripts, keyed by BCP 47 tag (ja, zh-Hant, ko).")
    names_sources: dict[Language, SourceRef] = Field(
        default_factory=dict, description="Where a name of `names` that is not the place's own is written so (an exonym, such as 休士頓 for "
        "Houston in Chinese), by the same tag: a data/sources/ id or a source written in place. A name in the place's own language needs none."
    )
    kind: Annotated[Id, terms_of("place_kinds")] = Field("city", description="Place kind id from vocabulary.yaml `place_kinds`.")
    country: Country = Field(description="ISO 3166-1 alpha-2 code (TW for Taiwan).")
    coordinates: Annotated[list[float], Field(min_length=2, max_length=2), _LAT_LON] = Field(
        description="[latitude, longitude] in WGS 84 decimal degrees."
    )
    coordinates_note: Optional[str] = Field(None, description="What the point is when not the place itself (e.g. the prefectural seat).")
    population: Optional[int] = Field(None, ge=0, description="Population: the place's own (municipal) figure, not its metropolitan area's.")
    population_year: Optional[int] = Field(None, description="Year the population figure is for; omit when no source says, and say so in population_note.")
    population_kind: Optional[PopulationKind] = Field(
        None, description="census (a count), estimate (a statistics office's or city's estimate or projection) or register (residents registered on a date)."
    )
    population_source: Optional[SourceRef] = Field(
        None, description=f"Where the figure comes from: a data/sources/ id or a source written in place; '{GEONAMES_SOURCE}' for GeoNames' figure, used only where nothing better is found."
    )
    population_note: Optional[Markdown] = Field(None, description="What the figure counts, or why it has no year.")
    geonames: Optional[int] = Field(None, description="GeoNames id.")
    wikidata: Optional[Annotated[str, Field(pattern=r"^Q[1-9][0-9]*$")]] = Field(None, description="Wikidata item id (Q…).")
    summary: Optional[Markdown] = Field(None, description="A few sentences about the place's city diplomacy.")
    profile: Optional[Profile] = None
    reported: list[Reported] = Field(default_factory=list, description="Counts the place publishes about itself.")
    relationships: list[Relationship] = Field(default_factory=list, description="Links recorded in this file.")
    memberships: list[Membership] = Field(default_factory=list, description="Networks it belongs to.")
    events: list[Event] = Field(default_factory=list, description="Visits, awards, suspensions, milestones.")

    def name_in(self, lang: str) -> str:
        """Its name in a language of the site: the one its record gives there, else its English one."""
        return self.names.get(lang, self.name)

    def own_names(self) -> dict[str, str]:
        """Its names in its own languages and scripts: those of `names` that no source gives as another language's name for it."""
        return {code: name for code, name in self.names.items() if code not in self.names_sources}


class Network(Record):
    """A city network or international body (C40, ICLEI, CITYNET…)."""

    name: Text = Field(description="Full name.")
    short_name: Optional[str] = Field(None, description="Acronym or short form (C40, ICLEI).")
    names: dict[Language, Text] = Field(default_factory=dict, description="Names in other languages.")
    kind: Annotated[Id, terms_of("network_kinds")] = Field("network", description="Network kind id from vocabulary.yaml `network_kinds`.")
    founded: Optional[PartialDate] = Field(None, description="When it was founded.")
    url: Optional[Url] = Field(None, description="Official website.")
    summary: Optional[Markdown] = None
    sources: Sources
    alternatives: list[Alternative] = Field(default_factory=list)


class Participant(Record):
    """A place taking part in a programme."""

    place: Id = Field(description="The place's id.")
    role: Optional[str] = Field(None, description="What it does in the programme.")
    since: Optional[PartialDate] = None
    note: Optional[Markdown] = None
    sources: Sources


class Program(Record):
    """A programme or initiative run by a place (Y-PORT, GO SMART…)."""

    name: Text = Field(description="Full name.")
    short_name: Optional[str] = None
    names: dict[Language, Text] = Field(default_factory=dict)
    lead: Id = Field(description="The place that runs it.")
    since: Optional[PartialDate] = Field(None, description="When it started.")
    url: Optional[Url] = None
    summary: Optional[Markdown] = None
    partners: list[str] = Field(default_factory=list, description="Companies and organisations taking part, by name.")
    participants: list[Participant] = Field(default_factory=list, description="Places taking part.")
    sources: Sources
    alternatives: list[Alternative] = Field(default_factory=list)


class Term(Record):
    """A vocabulary entry."""

    id: Id
    label: Text
    labels: dict[Language, Text] = Field(default_factory=dict, description="The label in the site's other languages, keyed by BCP 47 tag (zh-Hant, ja).")
    definition: Text
    definitions: dict[Language, Text] = Field(default_factory=dict, description="The definition in the site's other languages, keyed like labels.")
    color: Optional[Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]] = Field(None, description="Map colour, #rrggbb.")

    def label_in(self, lang: str) -> str:
        """Its label in a language of the site: the one given there, else the English one."""
        return self.labels.get(lang, self.label)

    def definition_in(self, lang: str) -> str:
        """Its definition in a language of the site: the one given there, else the English one."""
        return self.definitions.get(lang, self.definition)

    @property
    def shown_color(self) -> str:
        """The colour pages and maps draw it in: its own, or a neutral grey."""
        return self.color or DEFAULT_COLOR


class Vocabulary(Record):
    """data/vocabulary.yaml: the controlled terms every record refers to."""

    relationship_types: list[Term]
    place_kinds: list[Term]
    roles: list[Term]
    event_kinds: list[Term]
    network_kinds: list[Term]
    topics: list[Term]


# The folders of data/ and the record class each holds.
FOLDERS: dict[str, type[Record]] = {
    "cities": Place,
    "networks": Network,
    "programs": Program,
    "sources": SourceEntry,
}


def markdown_texts(record: BaseModel, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, text) of every Markdown field in a record and the records inside it."""
    for name, info in type(record).model_fields.items():
        value, key = getattr(record, name), info.alias or name
        if isinstance(value, str) and (info.annotation == Markdown or Markdown in get_args(info.annotation)):
            yield path + (key,), value
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            if isinstance(item, BaseModel):
                yield from markdown_texts(item, path + ((key, i) if isinstance(value, list) else (key,)))


def values_in(record: BaseModel, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(path, value) of every field of a record and of the records inside it, outer ones first."""
    for name, info in type(record).model_fields.items():
        value, key = getattr(record, name), info.alias or name
        yield path + (key,), value
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            if isinstance(item, BaseModel):
                yield from values_in(item, path + ((key, i) if isinstance(value, list) else (key,)))


def field_names(model: type[BaseModel]) -> list[str]:
    """The YAML names of a record type's fields, in the model's (and the canonical file's) order."""
    return [info.alias or name for name, info in model.model_fields.items()]


def nested_model(model: Optional[type[BaseModel]], key: Any) -> Optional[type[BaseModel]]:
    """The record type of the value of field `key` (of each item, for a list); None for plain values."""
    if model is None:
        return None
    info = next((f for name, f in model.model_fields.items() if (f.alias or name) == key), None)
    return _record_in(info.annotation) if info is not None else None


def _record_in(annotation: Any) -> Optional[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _record_in(arg)
        if found is not None:
            return found
    return None

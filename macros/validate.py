"""Load data/ and check it: every problem becomes a Finding naming file, line and column.

`load(data_dir)` is the one entry point: it reads every file once, validates the
records against the model, checks the references between them and returns the
Atlas (None when there are errors) with the findings. No MkDocs here.
"""

from __future__ import annotations

import datetime
import difflib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

from pydantic import BaseModel, ValidationError

from . import countries, i18n, quality
from .atlas import Atlas
from .model import FIRST_YEAR, FOLDERS, LAST_YEAR, LATITUDE, LONGITUDE, RESERVED_IDS, is_id, markdown_texts, Alternative, Place, Record, Vocabulary, field_names, nested_model
from .render import markdown_problem
from .yamlload import YAML11_BOOLS, Document, YamlError, parse, read

# Vocabulary section that each referring field takes its ids from.
_TERM_SECTIONS = {
    "relationship": "relationship_types",
    "place": "place_kinds",
    "role": "roles",
    "event": "event_kinds",
    "network": "network_kinds",
    "topic": "topics",
}


def inert(text: str, lines: bool = False) -> str:
    """`text` with every control and invisible character escaped (newlines too, unless `lines`), so
    nothing it holds acts on a terminal or a CI log: one line of output per line we meant."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or (lines and c == "\n") else repr(c)[1:-1] for c in text)


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    column: int
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        """One line, its control characters escaped: data never reaches the terminal as commands."""
        return inert(f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}")

    def github(self) -> str:
        def esc(text: str, prop: bool = False) -> str:
            text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            return text.replace(":", "%3A").replace(",", "%2C") if prop else text

        return f"::{self.severity} file={esc(self.file, True)},line={self.line},col={self.column}::{esc(self.message)}"


def dotted(path: Iterable[Any]) -> str:
    """('relationships', 3, 'with') -> 'relationships[3].with'"""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _FileReport:
    """Findings for one file, with its positions."""

    def __init__(self, display: str, doc: Optional[Document], sink: list[Finding]):
        self.display, self.doc, self.sink = display, doc, sink

    def add(self, severity: str, path: tuple, message: str, key: bool = False) -> None:
        line, column = self.doc.position(path, key) if self.doc else (1, 1)
        prefix = f"{dotted(path)}: " if path else ""
        self.sink.append(Finding(self.display, line, column, severity, prefix + message))

    def error(self, path: tuple, message: str, key: bool = False) -> None:
        self.add("error", path, message, key)

    def warning(self, path: tuple, message: str) -> None:
        self.add("warning", path, message)


def _field_names(model: type[BaseModel], path: tuple) -> list[str]:
    """The field names allowed at `path` inside `model` (for 'did you mean')."""
    current: Optional[type[BaseModel]] = model
    for part in path:
        if not isinstance(part, int):
            current = nested_model(current, part)
    return field_names(current) if current is not None else []


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__


def _message(error: dict, model: type[BaseModel]) -> tuple[tuple, str, bool]:
    """Turn one pydantic error into (path, message, points-at-key)."""
    path = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("~")))
    kind, value = error["type"], error.get("input")
    if path and path[-1] == "[key]":  # a mapping's key, such as a language tag in `names`
        return path[:-1], error["msg"], True
    if kind == "extra_forbidden" and path:
        return path, f"unknown field{suggest(str(path[-1]), _field_names(model, path[:-1]))}", True
    if kind == "missing":
        return path[:-1], f"missing required field '{path[-1]}'", False
    expected = {
        "string_type": "text",
        "int_type": "a whole number",
        "float_type": "a number",
        "bool_type": "true or false",
        "list_type": "a list",
        "dict_type": "a mapping",
        "model_type": "a mapping of fields",
        "model_attributes_type": "a mapping of fields",
    }.get(kind)
    if expected:
        got = _describe(value)
        hint = ""
        if kind == "string_type" and isinstance(value, (int, float, bool)):
            hint = ": put it in quotes"
        elif kind == "bool_type" and value in YAML11_BOOLS:
            hint = f": '{value}' is text here, write true or false"
        elif kind in ("int_type", "float_type") and isinstance(value, str):
            hint = f": '{value}' is text here, write the number without quotes or leading zeros"
        return path, f"expected {expected}, got {got}{hint}", False
    if kind == "literal_error":
        return path, f"'{value}' is not one of {error['ctx']['expected']}", False
    if kind == "too_short" and path and path[-1] == "sources":
        return path, "at least one source is required", False
    if kind in ("too_short", "too_long") and path and path[-1] == "coordinates":
        return path, "expected [latitude, longitude]", False
    if kind == "string_too_short":
        return path, "must not be empty", False
    if kind == "string_pattern_mismatch":
        return path, f"'{value}' does not match the pattern {error['ctx']['pattern']}", False
    if kind == "greater_than_equal":
        return path, f"must be {error['ctx']['ge']} or more", False
    return path, error["msg"], False


def _check_dates(report: _FileReport, path: tuple, start: Any, end: Any, start_name: str, end_name: str) -> None:
    if start and end and end.sort_key() < start.sort_key():
        report.error(path + (end_name,), f"{end_name} {end} is before {start_name} {start}")
    today = datetime.date.today()
    if start and start.sort_key() > (today.year, today.month, today.day):
        report.warning(path + (start_name,), f"{start_name} {start} is in the future: check the date")


class _References:
    """Cross-record checks, run once every file has been read."""

    def __init__(self, atlas: Atlas, reports: dict[tuple[str, str], _FileReport], geography: bool = True):
        self.atlas, self.reports, self.geography = atlas, reports, geography
        # Every file that exists counts, even one with errors of its own (those are reported there).
        existing = {folder: {stem for (f, stem) in reports if f == folder} for folder in FOLDERS}
        self.ids = {
            "place": existing["cities"],
            "network": existing["networks"],
            "program": existing["programs"],
            "source": existing["sources"],
        }

    def ref(self, report: _FileReport, path: tuple, kind: str, value: str) -> None:
        if value not in self.ids[kind]:
            report.error(path, f"no {kind} '{value}'{suggest(value, self.ids[kind])}")

    def term(self, report: _FileReport, path: tuple, kind: str, value: str) -> None:
        section = _TERM_SECTIONS[kind]
        known = self.atlas.terms[section]
        if value not in known:
            label = section.replace("_", " ").rstrip("s")
            report.error(path, f"no {label} '{value}' in vocabulary.yaml{suggest(value, known)}")

    def sources(self, report: _FileReport, path: tuple, sources: list) -> None:
        for i, source in enumerate(sources):
            if isinstance(source, str):
                self.ref(report, path + ("sources", i), "source", source)
            else:
                self.mirror(report, path + ("sources", i), source)

    def mirror(self, report: _FileReport, path: tuple, entry: Any) -> None:
        if entry.url and quality.is_mirror(entry.url):
            report.warning(path + ("url",), "a copy of an encyclopedia, not a source: cite the page it copies, or an official page or news report")

    def alternatives(self, report: _FileReport, path: tuple, alternatives: list[Alternative]) -> None:
        for i, alt in enumerate(alternatives):
            if alt.type:
                self.term(report, path + ("alternatives", i, "type"), "relationship", alt.type)
            self.sources(report, path + ("alternatives", i), alt.sources)

    def run(self) -> None:
        seen_links: dict[tuple, tuple[str, int, int]] = {}
        geonames: dict[int, str] = {}
        for pid, place in self.atlas.iter_places():
            report = self.reports[("cities", pid)]
            self.place(report, pid, place, seen_links)
            first = geonames.setdefault(place.geonames, pid) if place.geonames is not None else pid
            if first != pid:
                report.error(("geonames",), f"GeoNames id {place.geonames} is also place '{first}' "
                             f"({self.atlas.files[('cities', first)]}): record each place once")
        for sid, entry in sorted(self.atlas.sources.items()):
            self.mirror(self.reports[("sources", sid)], (), entry)
        for nid, network in sorted(self.atlas.networks.items()):
            report = self.reports[("networks", nid)]
            self.term(report, ("kind",), "network", network.kind)
            self.sources(report, (), network.sources)
            self.alternatives(report, (), network.alternatives)
        for gid, program in sorted(self.atlas.programs.items()):
            report = self.reports[("programs", gid)]
            self.ref(report, ("lead",), "place", program.lead)
            self.sources(report, (), program.sources)
            self.alternatives(report, (), program.alternatives)
            for i, participant in enumerate(program.participants):
                self.ref(report, ("participants", i, "place"), "place", participant.place)
                self.sources(report, ("participants", i), participant.sources)
        if len(self.ids["place"]) != len(self.atlas.places):
            return  # a place file with errors may hold the missing links: no guessing
        linked = {pid for link in self.atlas.links for pid in (link.owner, link.partner)}
        linked |= {p.lead for p in self.atlas.programs.values()}
        linked |= {part.place for p in self.atlas.programs.values() for part in p.participants}
        linked |= {other for place in self.atlas.places.values() for e in place.events for other in e.with_}
        for pid in sorted(set(self.atlas.places) - linked):
            self.reports[("cities", pid)].warning((), f"place '{pid}' has no links, programmes or events: record one, or remove the file")

    def place(self, report: _FileReport, pid: str, place: Place, seen_links: dict) -> None:
        self.term(report, ("kind",), "place", place.kind)
        lat, lon = place.coordinates
        for i, (name, value, (low, high)) in enumerate([("latitude", lat, LATITUDE), ("longitude", lon, LONGITUDE)]):
            if not low <= value <= high:
                report.error(("coordinates", i), f"{name} {value} is out of range {low}..{high}")
        known = countries.countries()
        if place.country not in known:
            report.error(("country",), f"unknown country code '{place.country}'{suggest(place.country, known)}")
        elif self.geography and countries.far_from(place.country, lat, lon):
            name = known[place.country].name
            report.warning(("coordinates",), f"[{lat}, {lon}] is far from {name} ({place.country}): check the coordinates and the country")
        self.population(report, place)
        self.names_sources(report, place)
        if place.profile:
            self.sources(report, ("profile",), place.profile.sources)
        for i, reported in enumerate(place.reported):
            for j, type_id in enumerate(reported.of):
                self.term(report, ("reported", i, "of", j), "relationship", type_id)
            self.sources(report, ("reported", i), reported.sources)
        for i, rel in enumerate(place.relationships):
            path = ("relationships", i)
            if rel.with_ == pid:
                report.error(path + ("with",), f"a place cannot be linked to itself ('{pid}')")
            else:
                self.ref(report, path + ("with",), "place", rel.with_)
            self.term(report, path + ("type",), "relationship", rel.type)
            for j, topic in enumerate(rel.topics):
                self.term(report, path + ("topics", j), "topic", topic)
            _check_dates(report, path, rel.signed, rel.ended, "signed", "ended")
            self.sources(report, path, rel.sources)
            self.alternatives(report, path, rel.alternatives)
            if rel.signed is None:
                report.warning(path, f"link with '{rel.with_}' has no date: add `signed` when a source gives it")
            self.duplicate(report, pid, i, seen_links)
        for i, membership in enumerate(place.memberships):
            path = ("memberships", i)
            self.ref(report, path + ("network",), "network", membership.network)
            self.term(report, path + ("role",), "role", membership.role)
            _check_dates(report, path, membership.since, membership.until, "since", "until")
            self.sources(report, path, membership.sources)
            self.alternatives(report, path, membership.alternatives)
        for section in ("memberships", "events"):
            self.repeated(report, section, getattr(place, section))
        for i, event in enumerate(place.events):
            path = ("events", i)
            self.term(report, path + ("kind",), "event", event.kind)
            for j, other in enumerate(event.with_):
                self.ref(report, path + ("with", j), "place", other)
            if event.network:
                self.ref(report, path + ("network",), "network", event.network)
            if event.program:
                self.ref(report, path + ("program",), "program", event.program)
            self.sources(report, path, event.sources)

    def population(self, report: _FileReport, place: Place) -> None:
        """A population says which year it is for and where it comes from (completeness: warnings)."""
        given = [name for name in ("population_year", "population_kind", "population_source", "population_note")
                 if getattr(place, name) is not None]
        if place.population is None:
            for name in given:
                report.warning((name,), f"{name} without a population: add the population or remove {name}")
            return
        if place.population_source is None:
            report.warning(("population",), f"{place.population:,} has no source: add `population_source` "
                           "(a data/sources id or a source written in place)")
        elif isinstance(place.population_source, str):
            self.ref(report, ("population_source",), "source", place.population_source)
        else:
            self.mirror(report, ("population_source",), place.population_source)
        if place.population_year is None and place.population_note is None:
            report.warning(("population",), f"{place.population:,} has no year: add `population_year`, "
                           "or say in `population_note` why none is known")
        elif place.population_year is not None and not FIRST_YEAR <= place.population_year <= LAST_YEAR:
            report.error(("population_year",), f"{place.population_year} is not a plausible year: write a year from {FIRST_YEAR} to {LAST_YEAR}")

    def names_sources(self, report: _FileReport, place: Place) -> None:
        """Each name's source is for a name the record gives."""
        for lang, source in place.names_sources.items():
            path = ("names_sources", lang)
            if lang not in place.names:
                report.error(path, f"a source for a name in {lang}, but `names` has none: add the name or remove its source")
            elif isinstance(source, str):
                self.ref(report, path, "source", source)
            else:
                self.mirror(report, path, source)

    def repeated(self, report: _FileReport, section: str, items: list) -> None:
        """An entry written twice in one list (a command run twice, a copy and paste); found by key, once each."""
        first: dict[str, int] = {}  # repr: every field, in order, nested records included
        for i, item in enumerate(items):
            earlier = first.setdefault(repr(item), i)
            if earlier != i:
                line, _ = report.doc.position((section, earlier)) if report.doc else (1, 1)
                report.error((section, i), f"the same entry is already at line {line}: record it once")

    def duplicate(self, report: _FileReport, pid: str, index: int, seen: dict) -> None:
        """The same pair, type and bodies, not told apart by a different signing date."""
        rel = self.atlas.places[pid].relationships[index]
        sides = tuple(sorted([(pid, rel.body or ""), (rel.with_, rel.partner_body or "")]))
        key = (sides, rel.type)
        for date, (other_file, line, column) in seen.get(key, {}).items():
            if rel.signed is None or date is None or date == rel.signed:
                report.error(
                    ("relationships", index),
                    f"the same {rel.type} link between '{pid}' and '{rel.with_}' is already recorded at "
                    f"{other_file}:{line}:{column}: record each link once",
                )
                return
        line, column = report.doc.position(("relationships", index)) if report.doc else (1, 1)
        seen.setdefault(key, {})[rel.signed] = (report.display, line, column)


# Characters that make text read differently from what it is ("Trojan Source"): errors.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Invisible characters some scripts need (Persian, Indic scripts, emoji sequences): accepted.
_JOINERS = frozenset("\u200c\u200d")


def _is_noncharacter(char: str) -> bool:
    """Unicode's permanent non-characters: U+FDD0..U+FDEF and the last two code points of every plane."""
    point = ord(char)
    return 0xFDD0 <= point <= 0xFDEF or point & 0xFFFE == 0xFFFE


def _character_problem(text: str) -> Optional[tuple[str, str]]:
    """(severity, message) for the first control, direction-changing or invisible character."""
    if text.replace("\n", " ").isprintable():  # the usual case, decided in C
        return None
    for char in text:
        category = unicodedata.category(char)
        name = unicodedata.name(char, "a control character")
        code = f"U+{ord(char):04X} ({name})"
        if char in _BIDI_CONTROLS:
            return "error", f"direction-changing character {code} can make text read differently from what it is: remove it"
        if category == "Cc" and char != "\n":
            return "error", f"control character {code}: remove it"
        if category == "Cs" or _is_noncharacter(char):
            return "error", f"U+{ord(char):04X} is not a character text may hold (XML and the feed refuse it): remove it"
        if category == "Cf" and char not in _JOINERS:
            return "warning", f"invisible character {code}: remove it unless the text needs it"
    return None


def _check_characters(report: _FileReport, doc: Document) -> None:
    """Every key and text in the file, for characters a reader cannot see."""
    stack: list[tuple[tuple, Any]] = [((), doc.data)]
    while stack:
        path, value = stack.pop()
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, item in items:
            problem = _character_problem(key) if isinstance(key, str) else None
            if problem:
                report.add(problem[0], path + (key,), problem[1], key=True)
            stack.append((path + (key,), item))
        problem = _character_problem(value) if isinstance(value, str) else None
        if problem:
            report.add(problem[0], path, problem[1])


def _read(path: Path, display: str, model: type[Record], findings: list[Finding]) -> tuple[Optional[Record], _FileReport]:
    report = _FileReport(display, None, findings)
    try:
        doc = parse(read(path))
    except YamlError as exc:
        findings.append(Finding(display, exc.line, exc.column, "error", exc.message))
        return None, report
    except OSError as exc:
        findings.append(Finding(display, 1, 1, "error", f"cannot read the file: {exc.strerror}"))
        return None, report
    report.doc = doc
    _check_characters(report, doc)
    if not isinstance(doc.data, dict):
        report.error((), f"expected a mapping of fields, got {_describe(doc.data)}")
        return None, report
    try:
        record = model.model_validate(doc.data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            where, message, key = _message(error, model)
            report.error(where, message, key)
        return None, report
    for where, text in markdown_texts(record):
        problem = markdown_problem(text)
        if problem:
            report.error(where, problem)
    return record, report


def _stray_entries(data_dir: Path, shown: Path) -> list[Finding]:
    """What sits in data/ beside vocabulary.yaml and the record folders: never read, so said."""
    found = []
    for entry in sorted(data_dir.iterdir()):
        display = str(shown / entry.name)
        if entry.is_symlink():
            found.append(Finding(display, 1, 1, "error", "symbolic link: commit the file or folder itself"))
        elif entry.is_dir() and entry.name not in FOLDERS:
            found.append(Finding(display, 1, 1, "error", f"unknown folder, not read: records go in {', '.join(FOLDERS)}"))
        elif entry.suffix in (".yaml", ".yml") and entry.name != "vocabulary.yaml":
            found.append(Finding(display, 1, 1, "error", f"not read: records go in {', '.join(FOLDERS)}, one file each"))
        elif not entry.is_dir() and entry.name != "vocabulary.yaml":
            found.append(Finding(display, 1, 1, "error", f"not read: data/ holds vocabulary.yaml and the folders {', '.join(FOLDERS)}"))
    return found


def _reserved(rid: str) -> str:
    return f"'{rid}' is reserved (a generated page or a name Windows refuses): choose another id"


def _record_files(folder: Path, shown: Path, findings: list[Finding]) -> list[tuple[Path, str]]:
    """The record files of one folder; everything else in it becomes a finding."""
    if folder.is_symlink():
        findings.append(Finding(str(shown), 1, 1, "error", "symbolic link: commit the folder itself"))
        return []
    files = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        display = str(shown / path.name)
        if path.name.startswith("."):
            message = "hidden file or folder, not read: records are <id>.yaml files, named without a leading '.'"
        elif path.is_dir() and not path.is_symlink():
            message = f"a folder inside {folder.name}/ is not read: put records directly in {folder.name}/"
        elif path.suffix != ".yaml":
            message = "not a .yaml file: name records <id>.yaml"
        elif not is_id(path.stem):
            message = f"file name '{path.stem}' is not an id: use lowercase ASCII words joined by '-'"
        elif path.stem in RESERVED_IDS:
            message = _reserved(path.stem)
        else:
            files.append((path, display))
            continue
        findings.append(Finding(display, 1, 1, "error", message))
    return files


def load(
    data_dir: Path | str, display_dir: Optional[Path] = None, geography: bool = True
) -> tuple[Optional[Atlas], list[Finding]]:
    """Read and check every file under data_dir. The atlas is None when any error was found.

    `geography=False` skips the one costly warning (coordinates far from the country,
    which reads GeoNames' city list): builds leave it to `atlas check`.

    Findings and `atlas.files` name files under `display_dir` when given (e.g. `data`
    for links to the repository), under data_dir otherwise.
    """
    data_dir = Path(data_dir)
    shown = Path(display_dir) if display_dir is not None else data_dir
    findings: list[Finding] = []
    vocab_path = data_dir / "vocabulary.yaml"
    if not vocab_path.is_file():
        findings.append(Finding(str(vocab_path), 1, 1, "error", "missing: the vocabulary file is required"))
        return None, findings
    vocabulary, vocab_report = _read(vocab_path, str(shown / "vocabulary.yaml"), Vocabulary, findings)
    if vocabulary is None:
        return None, sorted(findings)
    atlas = Atlas(vocabulary)  # type: ignore[arg-type]
    for section, terms in atlas.terms.items():
        if len(terms) != len(getattr(vocabulary, section)):
            vocab_report.error((section,), "an id is listed twice")
        for i, term in enumerate(getattr(vocabulary, section)):
            if term.id in RESERVED_IDS:
                vocab_report.error((section, i, "id"), _reserved(term.id))
            missing = [code for code in i18n.TRANSLATED if code not in term.labels]
            if missing:
                vocab_report.warning((section, i), f"term {term.id!r} has no label in {', '.join(missing)}: "
                                     f"add `labels: {{{', '.join(f'{code}: …' for code in missing)}}}` (the pages in that language show the English one)")
            missing = [code for code in i18n.TRANSLATED if code not in term.definitions]
            if section == "relationship_types" and missing:  # the type pages show it
                vocab_report.warning((section, i), f"term {term.id!r} has no definition in {', '.join(missing)}: "
                                     f"add `definitions: {{{', '.join(f'{code}: …' for code in missing)}}}` (the pages in that language show the English one)")
            for code in sorted(set(term.labels) - set(i18n.TRANSLATED)):
                vocab_report.warning((section, i, "labels", code), f"the site has no pages in {code!r}: its label is never shown "
                                     f"(languages: {', '.join(i18n.TRANSLATED)})")
    reports: dict[tuple[str, str], _FileReport] = {}
    findings += _stray_entries(data_dir, shown)
    for folder, model in FOLDERS.items():
        table = getattr(atlas, "places" if folder == "cities" else folder)
        for path, display in _record_files(data_dir / folder, shown / folder, findings):
            record, report = _read(path, display, model, findings)
            reports[(folder, path.stem)] = report
            if record is not None:
                table[path.stem] = record
                atlas.files[(folder, path.stem)] = display
    _References(atlas, reports, geography).run()
    findings.sort()
    failed = any(f.severity == "error" for f in findings)
    return (None if failed else atlas), findings

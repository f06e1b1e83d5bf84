"""The JSON Schemas give an editor the verdict `atlas check` gives, wherever JSON Schema can say it.

Each file is checked by check-jsonschema, as an editor's YAML plugin would check it: every
file in data/ passes, and every record of the bad corpus below fails both the schema and
`atlas check`, which names what is wrong. (What JSON Schema cannot say, `atlas check` alone
finds: a partner or source id that names no file, an end before the start, 30 February.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DATA, ROOT, TAIPEI, DataDir
from .test_cli import run

CHECK_JSONSCHEMA = [sys.executable, "-m", "check_jsonschema"]
SCHEMAS = ROOT / "schemas"
FOLDER_SCHEMAS = {"cities": "place", "networks": "network", "programs": "program", "sources": "source"}

# name of the bad place file -> (what replaces what in a valid place, what `atlas check` says)
BAD_PLACES = {
    "latitude-136": ("coordinates: [25.0531,", "coordinates: [136,", "latitude 136.0 is out of range -90..90"),
    "longitude-200": ("121.5264]", "200]", "longitude 200.0 is out of range -180..180"),
    "country-usa": ("country: TW", "country: usa", "'usa' is not an ISO 3166-1 alpha-2 code"),
    "country-xx": ("country: TW", "country: XX", "unknown country code 'XX'"),
    "type-sistr": ("type: sister", "type: sistr", "no relationship type 'sistr' in vocabulary.yaml (did you mean 'sister'?)"),
    "kind-metropolis": ("country: TW", "country: TW\nkind: metropolis", "no place kind 'metropolis' in vocabulary.yaml"),
    "month-13": ("signed: 1961-06-15", "signed: 2019-13-45", "'2019-13-45' does not exist: no month 13"),
    "month-00": ("signed: 1961-06-15", "signed: 2019-00", "'2019-00' does not exist: no month 0"),
    "day-32": ("signed: 1961-06-15", "signed: 2019-04-32", "'2019-04-32' does not exist"),
    "year-999": ("signed: 1961-06-15", "signed: 999", "'999' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"),
    "partner-not-an-id": ("with: houston", "with: San Diego", "'San Diego' is not an id"),
    "unknown-key": ("signed: 1961-06-15", "sigend: 1961-06-15", "relationships[0].sigend: unknown field (did you mean 'signed'?)"),
    "role-unknown": ("since: 1987,", "since: 1987, role: boss,", "no role 'boss' in vocabulary.yaml"),
    "topic-unknown": ("signed: 1961-06-15", "signed: 1961-06-15\n    topics: [ports]", "no topic 'ports' in vocabulary.yaml"),
    "reported-unknown": ("memberships:", "reported:\n  - {of: sistr, count: 1, sources: [taipei-gov]}\nmemberships:",
                         "reported[0].of[0]: no relationship type 'sistr'"),
    "event-kind-unknown": ("memberships:", "events:\n  - {title: A visit, kind: vist, with: [houston], sources: [taipei-gov]}\nmemberships:",
                           "no event kind 'vist' in vocabulary.yaml"),
    "source-url-scheme": ("sources: [taipei-gov]\nmemberships",
                          "sources: [{title: A page, url: 'javascript:alert(1)'}]\nmemberships", "is not an http or https URL"),
}

# A valid place: `reported[].of` is one type or a list of them, for the schema as for the model.
REPORTED_BOTH_WAYS = """reported:
  - {of: sister, count: 1, sources: [taipei-gov]}
  - {of: [sister, friendship], count: 2, sources: [taipei-gov]}
memberships:"""


def schema_errors(schema: str, files: list[Path]) -> dict[str, list[str]]:
    """check-jsonschema's errors for each file (by file name); files it passes are absent."""
    result = subprocess.run(CHECK_JSONSCHEMA + ["-o", "json", "--schemafile", str(SCHEMAS / f"{schema}.schema.json"),
                                                *map(str, files)], capture_output=True, text=True, timeout=120)
    report = json.loads(result.stdout)
    assert result.returncode == (1 if report["errors"] else 0), result.stderr
    errors: dict[str, list[str]] = {}
    for error in report["errors"]:
        errors.setdefault(Path(error["filename"]).name, []).append(error["message"])
    return errors


def test_every_data_file_is_valid_by_its_schema() -> None:
    for folder, schema in FOLDER_SCHEMAS.items():
        assert schema_errors(schema, sorted((DATA / folder).glob("*.yaml"))) == {}, folder
    assert schema_errors("vocabulary", [DATA / "vocabulary.yaml"]) == {}


@pytest.fixture(scope="module")
def bad_corpus(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    from .conftest import HOUSTON, NETWORK, SOURCE

    data = DataDir(tmp_path_factory.mktemp("bad") / "data")
    data.write("cities/houston.yaml", HOUSTON)
    data.write("sources/taipei-gov.yaml", SOURCE)
    data.write("networks/citynet.yaml", NETWORK)
    for name, (old, new, _) in BAD_PLACES.items():
        assert old in TAIPEI, name
        data.write(f"cities/{name}.yaml", TAIPEI.replace(old, new, 1))
    data.write("cities/reported-both-ways.yaml", TAIPEI.replace("memberships:", REPORTED_BOTH_WAYS, 1))
    return data


@pytest.fixture(scope="module")
def checked(bad_corpus: DataDir) -> list[str]:
    """`atlas check` over the bad corpus: its error lines."""
    result = run("check", str(bad_corpus.root))
    assert result.returncode == 1
    return [line for line in result.stdout.splitlines() if ": error: " in line]


@pytest.mark.parametrize("name", BAD_PLACES)
def test_each_bad_record_is_rejected_by_atlas_check_with_its_message(bad_corpus: DataDir, checked: list[str], name: str) -> None:
    errors = [line for line in checked if line.startswith(bad_corpus.display(f"cities/{name}.yaml:"))]
    assert len(errors) == 1 and BAD_PLACES[name][2] in errors[0], errors


def test_each_bad_record_is_rejected_by_the_place_schema(bad_corpus: DataDir) -> None:
    files = sorted((bad_corpus.root / "cities").glob("*.yaml"))
    errors = schema_errors("place", files)
    assert sorted(errors) == sorted(f"{name}.yaml" for name in BAD_PLACES)  # houston and reported-both-ways pass


def test_a_reported_count_of_one_type_or_a_list_passes_atlas_check(bad_corpus: DataDir, checked: list[str]) -> None:
    assert not [line for line in checked if bad_corpus.display("cities/reported-both-ways.yaml") in line]


def test_schemas_list_the_vocabulary_and_the_countries() -> None:
    place = json.loads((SCHEMAS / "place.schema.json").read_text(encoding="utf-8"))
    types = place["$defs"]["Relationship"]["properties"]["type"]["enum"]
    assert "sister" in types and "friendship" in types
    assert {"TW", "JP", "US"} <= set(place["properties"]["country"]["enum"])
    assert place["properties"]["kind"]["enum"][0] == "city"

"""`atlas new` and `atlas fmt` as a contributor runs them, on a copy of the real data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .build import mkdocs_build
from .conftest import DATA
from .test_cli import run


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def atlas(data: Path, *args: str):
    result = run(*args, "--data", str(data)) if args[0] == "new" else run(*args)
    assert "Traceback" not in result.stderr
    return result


def test_new_place_from_geonames(data: Path) -> None:
    result = atlas(data, "new", "place", "Aarhus", "--country", "DK")
    assert result.returncode == 0, result.stderr
    assert (data / "cities" / "aarhus.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../../schemas/place.schema.json\n"
        "name: Aarhus\nkind: city\ncountry: DK\ncoordinates: [56.1567, 10.2108]\npopulation: 285273\n"
        "population_source: geonames\n"
        "population_note: GeoNames' figure, used until an official one is found; GeoNames does not say which year it is for.\n"
        "geonames: 2624652\n"
    )
    assert result.stdout.splitlines()[0] == f"wrote {data}/cities/aarhus.yaml"
    # GeoNames' figure is cited as such: the checker's only word on the new place is that it has no links yet.
    check = run("check", str(data))
    assert [line for line in check.stdout.splitlines() if "aarhus.yaml" in line] == [
        f"{data}/cities/aarhus.yaml:2:1: warning: place 'aarhus' has no links, programmes or events: record one, or remove the file"
    ]


def test_new_place_takes_the_native_name_in_the_country_script(data: Path) -> None:
    assert atlas(data, "new", "place", "Sapporo", "--country", "JP").returncode == 0
    assert "names: {ja: 札幌市}\n" in (data / "cities" / "sapporo.yaml").read_text(encoding="utf-8")


def test_a_place_already_recorded_under_another_id_is_refused(data: Path) -> None:
    result = atlas(data, "new", "place", "Yokohama", "--country", "JP", "--id", "yokohama-2")
    assert result.returncode == 1 and not (data / "cities" / "yokohama-2.yaml").exists()
    assert f"geonames: GeoNames id 1848354 is also place 'yokohama' ({data}/cities/yokohama.yaml): record each place once" in result.stderr


def test_a_place_geonames_lacks_is_given_by_its_coordinates(data: Path) -> None:
    result = atlas(data, "new", "place", "Shimane Prefecture", "--kind", "prefecture", "--country", "JP",
                   "--coordinates", "35.4723", "133.0505")
    assert result.returncode == 0, result.stderr
    assert (data / "cities" / "shimane-prefecture.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../../schemas/place.schema.json\n"
        "name: Shimane Prefecture\nkind: prefecture\ncountry: JP\ncoordinates: [35.4723, 133.0505]\n"
    )
    no_country = atlas(data, "new", "place", "Somewhere", "--coordinates", "1", "2")
    assert no_country.stderr == "atlas new: error: a place given by its coordinates needs its country: add --country CODE\n"


def test_ambiguous_unknown_and_existing_places_are_refused(data: Path) -> None:
    portland = atlas(data, "new", "place", "San Jose")
    assert portland.returncode == 1
    assert portland.stderr.splitlines()[:2] == [
        "atlas new: error: 'San Jose' matches 6 places: choose one with --country or --geonames ID",
        "  San Jose (US, region CA), population 997,368, GeoNames 5392171",
    ]
    assert not (data / "cities" / "san-jose.yaml").exists()
    unknown = atlas(data, "new", "place", "Aarhuss")
    assert unknown.returncode == 1 and "no place named 'Aarhuss' in GeoNames' list of cities; did you mean:\n  Århus (DK" in unknown.stderr
    existing = atlas(data, "new", "place", "Taipei")
    assert existing.returncode == 1
    assert existing.stderr == f"atlas new: error: {data}/cities/taipei.yaml exists already: edit it, or choose another id with --id\n"


def test_new_link_keeps_the_file_and_passes_the_check(data: Path) -> None:
    path = data / "cities" / "kaohsiung.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("relationships:\n", "relationships:  # ties by date\n", 1), encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    result = atlas(data, "new", "link", "kaohsiung", "houston", "--type", "partner", "--signed", "2025-09-14",
                   "--source", "https://example.org/news", "--title", "Kaohsiung and Houston sign")
    assert result.returncode == 0, result.stderr
    after = path.read_text(encoding="utf-8")
    added = (
        "  - with: houston\n    type: partner\n    signed: 2025-09-14\n    sources:\n"
        "      - title: Kaohsiung and Houston sign\n        url: https://example.org/news\n"
    )
    # Every line kept as it was, the comment included; the link ends the relationships list.
    assert after == before.replace("\nmemberships:\n", "\n" + added + "memberships:\n", 1)
    assert run("check", str(data)).returncode == 0


def test_a_link_recorded_in_either_file_is_refused_and_nothing_is_written(data: Path) -> None:
    files = {p: p.read_bytes() for p in (data / "cities").iterdir()}
    again = atlas(data, "new", "link", "houston", "taipei", "--type", "sister", "--source", "seed-maturing-city-diplomacy")
    assert again.returncode == 1
    assert again.stderr.startswith(f"atlas new: error: a sister link between 'houston' and 'taipei' is already recorded at {data}/cities/taipei.yaml:")
    wrong = atlas(data, "new", "link", "houston", "taipei", "--type", "sistr", "--source", "https://x.org/", "--title", "X")
    assert wrong.returncode == 1
    assert "error: relationships[0].type: no relationship type 'sistr' in vocabulary.yaml (did you mean 'sister'?)" in wrong.stderr
    assert atlas(data, "new", "link", "houston", "atlantis", "--type", "sister", "--source", "https://x.org/", "--title", "X").returncode == 1
    assert {p: p.read_bytes() for p in (data / "cities").iterdir()} == files


def test_new_membership_event_and_source(data: Path) -> None:
    assert atlas(data, "new", "source", "houston-gov", "--title", "Houston's sister cities", "--url", "https://example.org/h").returncode == 0
    assert atlas(data, "new", "membership", "houston", "c40", "--since", "2006", "--source", "houston-gov").returncode == 0
    event = atlas(data, "new", "event", "houston", "Mayor visits Taipei", "--kind", "visit", "--date", "2024-05",
                  "--with", "taipei", "--source", "houston-gov")
    assert event.returncode == 0, event.stderr
    text = (data / "cities" / "houston.yaml").read_text(encoding="utf-8")
    assert "memberships:\n  - network: c40\n    since: 2006\n    sources:\n      - houston-gov\n" in text
    assert "events:\n  - date: 2024-05\n    title: Mayor visits Taipei\n    kind: visit\n    with:\n      - taipei\n" in text
    assert run("check", str(data)).returncode == 0
    assert run("fmt", "--check", str(data)).returncode == 0
    again = atlas(data, "new", "membership", "houston", "c40", "--since", "2006", "--source", "houston-gov")
    assert again.returncode == 1 and "memberships[1]: the same entry is already at line" in again.stderr


def test_what_new_writes_builds(tmp_path: Path, data: Path) -> None:
    atlas(data, "new", "place", "Aarhus", "--country", "DK")
    atlas(data, "new", "link", "aarhus", "kaohsiung", "--type", "sister", "--signed", "2025", "--source", "https://x.org/", "--title", "X")
    result = mkdocs_build(tmp_path / "site", data)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Aarhus" in (tmp_path / "site" / "cities" / "aarhus" / "index.html").read_text(encoding="utf-8")


def test_the_seed_data_is_canonical() -> None:
    result = run("fmt", "--check", str(DATA))
    assert (result.returncode, result.stdout) == (0, "")


def test_fmt_orders_keys_keeps_comments_and_is_idempotent(data: Path) -> None:
    path = data / "cities" / "houston.yaml"
    path.write_text(
        "# Houston, Texas\ncountry: US  # the United States\nname: \"Houston\"\nkind: city\ncoordinates: [29.7633, -95.3633]\n",
        encoding="utf-8",
    )
    check = run("fmt", "--check", str(data))
    assert (check.returncode, check.stdout) == (1, f"{path}: not in the canonical layout: run `atlas fmt`\n")
    assert run("fmt", str(data)).stdout == f"formatted {path}\n"
    assert path.read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../../schemas/place.schema.json\n"
        "# Houston, Texas\nname: Houston\nkind: city\ncountry: US  # the United States\ncoordinates: [29.7633, -95.3633]\n"
    )
    assert run("fmt", "--check", str(data)).returncode == 0


def test_fmt_reports_a_broken_file_with_its_position(data: Path) -> None:
    path = data / "cities" / "houston.yaml"
    path.write_text("name: Houston\nname: Again\n", encoding="utf-8")
    result = run("fmt", str(data))
    assert (result.returncode, result.stdout) == (1, f"{path}:2:1: error: duplicate key 'name' (first at line 1): keep one\n")


@pytest.mark.parametrize("command", [[], ["check"], ["fmt"], ["schema"], ["new"], ["new", "place"], ["new", "link"],
                                     ["new", "membership"], ["new", "event"], ["new", "source"]])
def test_every_command_explains_itself_with_an_example(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0 and "example:\n  atlas " in result.stdout

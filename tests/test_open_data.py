"""The atlas as open data, checked as its users check it: the Data Package a data user downloads
(`frictionless validate`), the JSON-LD a search engine reads, the CITATION.cff a researcher cites."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
from frictionless import Package
from pyld import jsonld

from macros import exports
from macros.yamlload import parse, read

from .conftest import ROOT

pytestmark = pytest.mark.build

FRICTIONLESS = str(Path(sys.executable).parent / "frictionless")


def frictionless_validate(package: Path) -> subprocess.CompletedProcess:
    return subprocess.run([FRICTIONLESS, "validate", str(package)], capture_output=True, text=True, timeout=300)


def descriptor(site: Path) -> dict:
    return json.loads((site / "downloads" / exports.PACKAGE).read_text(encoding="utf-8"))


def test_frictionless_validate_passes_on_the_built_datapackage(site: Path) -> None:
    result = frictionless_validate(site / "downloads" / exports.PACKAGE)
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_package_describes_every_csv_and_geojson_download(site: Path) -> None:
    paths = {resource["path"] for resource in descriptor(site)["resources"]}
    downloads = {p.name for p in (site / "downloads").iterdir() if p.suffix in (".csv", ".geojson")}
    assert downloads <= paths and "links.geojson" in paths and "citations.csv" in paths


def test_each_table_lists_its_csv_header_with_types_licence_and_date(site: Path) -> None:
    package = descriptor(site)
    for resource in (r for r in package["resources"] if r.get("type") == "table"):
        header = (site / "downloads" / resource["path"]).read_text(encoding="utf-8-sig").split("\n", 1)[0]
        assert [f["name"] for f in resource["schema"]["fields"]] == header.split(","), resource["path"]
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["created"] == "2023-11-14T22:13:20Z"  # the tests' SOURCE_DATE_EPOCH, not the clock
    assert package["version"] == exports.version()


def test_tables_read_back_with_their_types(site: Path) -> None:
    package = Package(str(site / "downloads" / exports.PACKAGE))
    places = {row["id"]: row for row in package.get_resource("places").read_rows()}
    assert places["taipei"]["names"]["zh-Hant"] == "臺北市" and float(places["taipei"]["latitude"]) > 25
    assert isinstance(places["taipei"]["population"], int)
    pristina = places["pristina"]  # a population with its year, kind and source, as the page shows it
    assert (pristina["population"], pristina["population_year"], pristina["population_kind"]) == (227154, 2024, "census")
    assert pristina["population_source"] == "Tri komunat me më së shumti banorë" and places["seoul"]["population_source"] != "geonames"
    links = package.get_resource("links").read_rows()
    signed = {row["signed"] for row in links if row["signed"]}
    assert all(isinstance(s, str) for s in signed) and any(len(s) == 4 for s in signed)  # 1969 stays text, a year
    assert any(isinstance(row["alternatives"], list) for row in links)
    assert any(isinstance(row["topics"], list) for row in links)


def test_foreign_keys_join_links_memberships_and_citations_to_their_tables(site: Path, tmp_path: Path) -> None:
    keys = {r["name"]: r["schema"].get("foreignKeys", []) for r in descriptor(site)["resources"] if r.get("type") == "table"}
    pointing = {(name, k["fields"], k["reference"]["resource"]) for name, found in keys.items() for k in found}
    assert {("links", "partner", "places"), ("memberships", "network", "networks"), ("citations", "source", "sources")} <= pointing
    copy = tmp_path / "downloads"
    shutil.copytree(site / "downloads", copy)
    links = copy / "links.csv"
    header, first, rest = links.read_text(encoding="utf-8-sig").split("\n", 2)
    links.write_text(header + "\n" + "nowhere" + first[first.index(","):] + "\n" + rest, encoding="utf-8-sig")
    result = frictionless_validate(copy / exports.PACKAGE)
    assert result.returncode == 1 and "foreign-key" in result.stdout


def test_no_csv_column_is_empty_in_every_row(site: Path) -> None:
    package = Package(str(site / "downloads" / exports.PACKAGE))
    for name in exports.TABLES:
        resource = package.get_resource(name.removesuffix(".csv"))
        rows = resource.read_rows()
        for field in resource.schema.field_names:
            assert any(row[field] not in (None, "") for row in rows), (name, field)
    assert "wikidata" not in (site / "downloads" / "places.csv").read_text(encoding="utf-8-sig").split("\n", 1)[0]


def test_csv_files_open_in_a_spreadsheet_with_cjk_names_intact(site: Path) -> None:
    raw = (site / "downloads" / "places.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs to read UTF-8
    assert "臺北市" in raw.decode("utf-8-sig") and "横浜市" in raw.decode("utf-8-sig")


def test_without_source_date_epoch_the_build_date_is_the_datas_latest(atlas, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    latest = max(exports.dates(atlas))
    assert exports.build_date(atlas).strftime("%Y-%m-%d").startswith(str(latest))
    assert json.loads(exports.datapackage(atlas))["created"] == exports.build_date(atlas).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- Structured data for search engines --------------------------------------------------------

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
# The terms of schema.org's JSON-LD context that these pages use, as that context defines them
# (served from here: the tests run offline).
SCHEMA_ORG_CONTEXT = {"@context": {"@vocab": "https://schema.org/", **{
    term: {"@type": "@id"} for term in ("sameAs", "url", "license", "contentUrl")}}}


def json_ld(site: Path, url: str) -> list[dict]:
    return [json.loads(text) for text in JSON_LD.findall((site / url / "index.html").read_text(encoding="utf-8"))]


def expanded(document: dict) -> list[dict]:
    def load(url: str, options: dict) -> dict:
        assert url.rstrip("/") == "https://schema.org", url
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": SCHEMA_ORG_CONTEXT}

    return jsonld.expand(document, {"documentLoader": load})


def test_home_and_downloads_pages_describe_the_atlas_as_a_dataset(site: Path, atlas) -> None:
    for url in ("", "downloads/"):
        [found] = json_ld(site, url)
        assert found["@type"] == "Dataset" and found["license"] == exports.LICENCE_URL
        assert found["creator"]["name"] == "City Diplomacy Atlas contributors" and found["description"]
        assert found["temporalCoverage"] == f"{min(exports.dates(atlas))}/{max(exports.dates(atlas))}"
        assert found["spatialCoverage"]["geo"]["@type"] == "GeoShape"
        formats = {d["name"]: d["encodingFormat"] for d in found["distribution"]}
        assert formats["datapackage.json"] == "application/json" and formats["places.csv"] == "text/csv"
        assert all(d["contentUrl"].startswith("https://") for d in found["distribution"])
    assert not json_ld(site, "about/")  # only those two pages


def test_each_place_page_carries_a_place_with_coordinates_and_geonames(site: Path, atlas) -> None:
    for pid, place in atlas.iter_places():
        [found] = json_ld(site, f"cities/{pid}/")
        assert found["@type"] in ("City", "Place") and found["name"] == place.name
        assert [found["geo"]["latitude"], found["geo"]["longitude"]] == place.coordinates
        if place.geonames:
            assert f"https://www.geonames.org/{place.geonames}/" in found["sameAs"]


def test_the_json_ld_expands_as_json_ld(site: Path) -> None:
    [dataset] = expanded(json_ld(site, "")[0])
    assert dataset["@type"] == ["https://schema.org/Dataset"]
    assert dataset["https://schema.org/license"] == [{"@id": exports.LICENCE_URL}]
    assert len(dataset["https://schema.org/distribution"]) == len(exports.DOWNLOADS)
    [taipei] = expanded(json_ld(site, "cities/taipei/")[0])
    assert taipei["@type"] == ["https://schema.org/City"]
    assert taipei["https://schema.org/sameAs"] == [{"@id": "https://www.geonames.org/1668341/"}]
    assert taipei["https://schema.org/geo"][0]["https://schema.org/latitude"] == [{"@value": 25.0531}]


# --- CITATION.cff ------------------------------------------------------------------------------

def cff_schema() -> dict:
    """The CFF 1.2.0 JSON Schema as cffconvert ships it (`make setup` keeps its wheel in .venv/wheels)."""
    [wheel] = (Path(sys.prefix) / "wheels").glob("cffconvert-*.whl") or [None]
    assert wheel is not None, "run `make setup`: it keeps cffconvert's wheel in .venv/wheels"
    with zipfile.ZipFile(wheel) as opened:
        return json.loads(opened.read("cffconvert/schemas/1.2.0/schema.json"))


def test_citation_cff_is_valid_cff_1_2_0_with_the_packages_version_and_a_date() -> None:
    citation = parse(read(ROOT / "CITATION.cff")).data  # YAML 1.2, as CFF reads it: dates stay text
    errors = [e.message for e in jsonschema.Draft7Validator(cff_schema()).iter_errors(citation)]
    assert errors == []
    assert citation["cff-version"] == "1.2.0" and citation["version"] == exports.version()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", citation["date-released"])
    assert citation["license"] == "CC-BY-4.0" and citation["type"] == "dataset"


def test_a_wrong_citation_cff_is_refused_by_the_schema() -> None:
    citation = parse(read(ROOT / "CITATION.cff")).data
    assert not jsonschema.Draft7Validator(cff_schema()).is_valid({**citation, "date-released": "2026-13-03", "authors": []})

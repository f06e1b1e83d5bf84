"""The atlas as open data: the Data Package a data user downloads, checked as they would check it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from frictionless import Package
from pyld import jsonld

from macros import exports

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

"""The atlas as a publication: downloads that round-trip, the feed, the comparison, the macros for authors."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import feedparser
import pytest

from macros import authoring, blocks, exports, model, pages
from macros.validate import load

from .build import mkdocs_build, project_copy
from .conftest import DATA, ROOT, DataDir
from .test_build import page, text_of

pytestmark = pytest.mark.build


def test_atlas_json_reads_back_to_exactly_the_records(site: Path, atlas) -> None:
    data = json.loads((site / "downloads/atlas.json").read_text(encoding="utf-8"))
    assert model.Vocabulary.model_validate(data["vocabulary"]) == atlas.vocabulary
    for folder, table, record in [("cities", atlas.places, model.Place), ("networks", atlas.networks, model.Network),
                                  ("programs", atlas.programs, model.Program), ("sources", atlas.sources, model.SourceEntry)]:
        assert {rid: record.model_validate(value) for rid, value in data[folder].items()} == table


def rows(site: Path, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((site / "downloads" / name).read_text(encoding="utf-8-sig"))))


def test_csv_files_have_a_row_per_record(site: Path, atlas) -> None:
    places = atlas.places.values()
    assert len(rows(site, "places.csv")) == len(atlas.places)
    assert len(rows(site, "links.csv")) == len(atlas.links)
    assert len(rows(site, "memberships.csv")) == sum(len(p.memberships) for p in places)
    assert len(rows(site, "events.csv")) == sum(len(p.events) for p in places)
    assert len(rows(site, "reported.csv")) == sum(len(p.reported) for p in places)
    assert len(rows(site, "sources.csv")) == len(atlas.sources)
    taipei = next(r for r in rows(site, "places.csv") if r["id"] == "taipei")
    assert (taipei["name"], taipei["country"], taipei["links"]) == ("Taipei", "TW", str(len(atlas.links_of("taipei"))))
    houston = next(r for r in rows(site, "places.csv") if r["id"] == "houston")
    assert float(houston["longitude"]) < 0  # numbers are not touched by the formula guard


def test_json_schemas_are_downloads(site: Path) -> None:
    schema = json.loads((site / "downloads/schemas/place.schema.json").read_text(encoding="utf-8"))
    assert schema["title"] == "Place" and "relationships" in schema["properties"]


def test_a_formula_in_a_cell_comes_out_neutralised(tmp_path: Path, data: DataDir) -> None:
    data.write("cities/houston.yaml", 'name: Houston\ncountry: US\ncoordinates: [29.76, -95.36]\n'
               'summary: "=HYPERLINK(\\"https://evil.example\\", \\"click\\")"\n')
    loaded, _ = load(data.root)
    text = exports.contents(loaded)["places.csv"].removeprefix(exports.BOM)
    houston = next(r for r in csv.DictReader(io.StringIO(text)) if r["id"] == "houston")
    assert houston["summary"] == "'=HYPERLINK(\"https://evil.example\", \"click\")"
    assert houston["longitude"] == "-95.36"
    assert [exports.spreadsheet_safe(v) for v in ("+1", "-x", "@a", "\tb", "ok", -3)] == ["'+1", "'-x", "'@a", "'\tb", "ok", -3]


def test_downloads_page_documents_every_column_licence_and_citation(site: Path, atlas) -> None:
    html = page(site, "downloads")
    for name in exports.TABLES:
        columns = exports.table(atlas, name)[0]
        assert f"<caption>{name}</caption>" in html
        for column in columns:
            assert f"<code>{column.name}</code>" in html, (name, column.name)
    text = text_of(html)
    assert "CC BY 4.0" in text and "GeoNames" in text and "leading apostrophe" in text
    assert "City Diplomacy Atlas contributors. “Downloads”." in text


def test_feed_is_valid_atom_with_stable_ids_and_is_linked_from_every_page(site: Path, atlas) -> None:
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not parsed.bozo and parsed.version == "atom10"
    newest = [link for link in reversed(atlas.links_by_date) if link.signed][:len(parsed.entries)]
    assert [e.id for e in parsed.entries] == [
        f"tag:city-diplomacy-atlas.github.io,2025:link/{l.owner}/{l.partner}/{l.rel.type}/{l.signed}" for l in newest
    ]
    assert len({e.id for e in parsed.entries}) == len(parsed.entries)
    for url in ("", "cities/taipei", "map", "downloads"):
        # "alternate" for feed readers; not rel="alternate" alone, which Material takes for a translation.
        assert '<link rel="alternate feed" type="application/atom+xml" title="New agreements (Atom)"' in page(site, url)


def test_comparison_rows_are_the_data(atlas) -> None:
    yokohama, taipei = blocks.side(atlas, "yokohama"), blocks.side(atlas, "taipei")
    assert yokohama.fig.links == len(atlas.links_of("yokohama"))
    assert dict(taipei.fig.by_type)["sister"] == sum(l.rel.type == "sister" for l in atlas.links_of("taipei"))
    assert str(taipei.fig.first.signed) == min(str(l.signed) for l in atlas.links_of("taipei") if l.signed)
    assert [n for n, _ in yokohama.networks] == sorted(m.network for m in atlas.places["yokohama"].memberships)
    assert [r.count for r, _ in taipei.reported] == [r.count for r in atlas.places["taipei"].reported]


def test_comparison_page_shows_computed_rows_with_sources(site: Path, atlas) -> None:
    text = text_of(page(site, "compare/yokohama-taipei"))
    by_type = lambda pid: ", ".join(f"{n} {atlas.term('relationship_types', t).label}"  # noqa: E731
                                    for t, n in blocks.side(atlas, pid).fig.by_type)
    assert f"Links recorded, by type {len(atlas.links_of('yokohama'))}: {by_type('yokohama')}" in text
    assert f"{len(atlas.links_of('taipei'))}: {by_type('taipei')}" in text
    assert "Networks both belong to" in text and "[1]" in text
    assert f"the atlas records {len(atlas.links_of('yokohama'))} links for it" in text


def macros(atlas) -> dict:
    return authoring.macros(atlas, pages.SiteConfig(), lambda: "authoring/")


@pytest.mark.parametrize("call, message", [
    (lambda m: m["relationship_table"](place="atlantis"), "relationship_table: place='atlantis': no such place"),
    (lambda m: m["relationship_table"](type="twins"), "relationship_table: type='twins': not a relationship type in vocabulary.yaml"),
    (lambda m: m["figure"]("links", country="XX"), "figure: country='XX': give one or two ISO 3166-1 codes such as TW or 'TW JP'"),
    (lambda m: m["figure"]("links", since="2020"), "figure: since='2020': a year, such as 2020"),
    (lambda m: m["figure"]("links", status="gone"), "figure: status='gone': one of active, ended, suspended, disputed"),
    (lambda m: m["figure"]("height"), "figure: what='height': one of links, partners, countries, first, latest"),
    (lambda m: m["timeline"]("atlantis"), "timeline: place='atlantis': no such place"),
    (lambda m: m["key_figures"]("atlantis"), "key_figures: place='atlantis': no such place"),
    (lambda m: m["compare"]("taipei", "atlantis"), "compare: the second place 'atlantis' is not in the atlas"),
    (lambda m: m["download_fields"]("x.csv"), "download_fields: name='x.csv': one of places.csv, links.csv, memberships.csv, events.csv, reported.csv, networks.csv, sources.csv, citations.csv"),
    (lambda m: m["place_link"]("atlantis"), "place_link: no place 'atlantis'"),
    (lambda m: m["partner_totals"]("taipei atlantis"), "partner_totals: places='taipei atlantis': no such place: atlantis"),
    (lambda m: m["partner_totals"]("taipei", by="planet"), "partner_totals: by='planet': use by='country' or by='region'"),
    (lambda m: m["places_compared"](""), "places_compared: places='': give place ids, separated by spaces"),
    (lambda m: m["atlas_count"]("cities"), "atlas_count: 'cities' is not one of places, links, networks, programs, sources"),
])
def test_a_wrong_macro_argument_is_named(atlas, call, message) -> None:
    with pytest.raises(ValueError) as caught:
        call(macros(atlas))
    assert str(caught.value) == message


def test_figures_follow_the_filter(atlas) -> None:
    m = macros(atlas)
    tw_jp = [l for l in atlas.links if sorted(atlas.places[p].country for p in (l.owner, l.partner)) == ["JP", "TW"]]
    assert m["figure"]("links", country="TW JP") == len(tw_jp)
    assert m["figure"]("links", country=("JP", "TW")) == len(tw_jp)
    recent = [l for l in atlas.links_of("taipei") if l.signed and l.signed.year >= 2020]
    assert m["figure"]("links", place="taipei", since=2020) == len(recent)
    assert m["figure"]("latest", place="taipei") == str(max(l.signed for l in atlas.links_of("taipei") if l.signed))


def test_authors_table_is_the_place_pages_table(site: Path) -> None:
    authoring_page = page(site, "authoring")
    assert "<caption>Taiwan–Japan links since 2020</caption>" in authoring_page
    # With a place, the author's table is the place page's: same rows, same columns, numbered notes.
    table = authoring_page.split("<caption>Yokohama&#39;s partner cities</caption>")[1].split("</table>")[0]
    rows = lambda html: [re.sub(r"\[\d+\]", "[n]", text_of(r)) for r in re.findall(r'<tr class="atlas-link.*?</tr>', html, flags=re.S)]  # noqa: E731
    assert rows(table) and set(rows(table)) <= set(rows(page(site, "cities/yokohama")))
    assert '<th scope="col">Sources</th>' in table and 'class="atlas-notes"' in authoring_page


def test_authoring_page_shows_every_macro(atlas) -> None:
    text = (ROOT / "content" / "authoring.md").read_text(encoding="utf-8")
    for name in macros(atlas):
        assert re.search(rf"{{{{ {name}\(", text), name


def test_analysis_pages_are_built_from_the_data(site: Path, atlas) -> None:
    coverage = text_of(page(site, "coverage"))
    for pid, place in atlas.iter_places():
        for r in place.reported:
            assert place.name in coverage
    quality = text_of(page(site, "quality"))
    undated = sum(1 for l in atlas.links if l.signed is None)
    assert f"{undated} undated links" in quality and "Weak sources" in quality
    taiwan = text_of(page(site, "taiwan"))
    tw = [l for l in atlas.links if "TW" in (atlas.places[l.owner].country, atlas.places[l.partner].country)]
    assert f"Links with a Taiwanese place: {len(tw)} ," in taiwan


def test_a_wrong_argument_fails_the_build_naming_page_macro_and_argument(tmp_path: Path) -> None:
    config = project_copy(tmp_path)
    (config.parent / "content" / "taiwan.md").write_text('# T\n\n{{ relationship_table(country="TW", status="gone") }}\n', encoding="utf-8")
    result = mkdocs_build(tmp_path / "site", config=config)
    assert result.returncode != 0
    assert "taiwan.md" in result.stderr and "relationship_table: status='gone': one of active" in result.stderr


def test_each_place_page_offers_its_own_json(site: Path, atlas) -> None:
    assert 'href="houston.json" download>JSON</a>' in page(site, "cities/houston")
    data = json.loads((site / "cities/houston/houston.json").read_text(encoding="utf-8"))
    assert model.Place.model_validate(data["record"]) == atlas.places["houston"]
    elsewhere = [link for link in atlas.links_of("houston") if link.owner != "houston"]
    assert [(l["recorded_in"], l["with"]) for l in data["links_recorded_by_partners"]] == [(l.owner, "houston") for l in elsewhere]


def test_about_page_defines_every_relationship_type(site: Path, atlas) -> None:
    text = html.unescape(text_of(page(site, "about")))
    for term in atlas.vocabulary.relationship_types:
        assert f"{term.id} {term.label} {term.definition}" in text, term.id
    assert "Reported" in text and "Recorded" in text and "How sources are chosen" in text


def test_geojson_downloads_are_valid_with_lon_lat_and_cut_at_the_antimeridian(site: Path, atlas) -> None:
    import geojson

    places = geojson.loads((site / "downloads/places.geojson").read_text(encoding="utf-8"))
    links = geojson.loads((site / "downloads/links.geojson").read_text(encoding="utf-8"))
    assert places.is_valid and links.is_valid, (places.errors(), links.errors())
    taipei = next(f for f in places["features"] if f["id"] == "taipei")
    assert taipei["geometry"]["coordinates"] == [atlas.places["taipei"].coordinates[1], atlas.places["taipei"].coordinates[0]]
    assert len(places["features"]) == len(atlas.places) and len(links["features"]) == len(atlas.links)
    houston = next(f for f in links["features"] if {f["properties"]["recorded_in"], f["properties"]["partner"]} == {"taipei", "houston"})
    assert houston["geometry"]["type"] == "MultiLineString"  # over the Pacific, cut at 180°
    assert all(-180 <= lon <= 180 for part in houston["geometry"]["coordinates"] for lon, _ in part)
    assert houston["properties"]["type"] == "sister" and houston["properties"]["signed"] == "1961-06-15"
    assert houston["properties"]["sources"]
    assert 'href="map.geojson" download>GeoJSON</a>' in page(site, "cities/taipei")


def test_an_author_map_draws_the_filtered_links(site: Path, atlas) -> None:
    assert 'id="map-page"' in page(site, "authoring")
    data = json.loads((site / "authoring/map.geojson").read_text(encoding="utf-8"))
    lines = [f for f in data["features"] if f["geometry"]["type"] != "Point"]
    tw_jp = [l for l in atlas.links if sorted(atlas.places[p].country for p in (l.owner, l.partner)) == ["JP", "TW"]]
    assert len(lines) == len(tw_jp) and lines


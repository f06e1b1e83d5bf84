"""The atlas's own data: it validates and holds what the first cities' sources say."""

from __future__ import annotations

from functools import lru_cache

from macros.atlas import Atlas
from macros.model import PartialDate
from macros.validate import load

from .conftest import DATA


@lru_cache(maxsize=1)
def atlas() -> Atlas:
    loaded, findings = load(DATA)
    assert loaded is not None, [str(f) for f in findings if f.severity == "error"]
    return loaded


def link(a: str, b: str, type_: str | None = None):
    found = [l for l in atlas().links_of(a) if l.other(a) == b and (type_ is None or l.rel.type == type_)]
    assert found, f"no {type_ or ''} link {a}–{b}"
    return found[0]


def test_data_validates_without_errors() -> None:
    _, findings = load(DATA)
    assert [str(f) for f in findings if f.severity == "error"] == []
    # Only undated links are suspicious in the seed data: no coordinates far off, no orphans.
    assert all("has no date" in f.message for f in findings if f.severity == "warning")


def test_taipei_has_at_least_33_links_and_houston_first() -> None:
    links = atlas().links_of("taipei")
    assert len(links) >= 33
    assert links[0].other("taipei") == "houston" and links[0].signed == PartialDate(1961, 6, 15)


def test_every_place_is_linked_and_every_record_sourced() -> None:
    a = atlas()
    linked = {end for l in a.links for end in (l.owner, l.partner)} | {p.place for g in a.programs.values() for p in g.participants}
    assert set(a.places) == linked
    assert all(l.rel.sources for l in a.links)


def test_every_data_file_points_editors_at_its_schema() -> None:
    expected = {"cities": "place", "networks": "network", "programs": "program", "sources": "source"}
    for folder, schema in expected.items():
        for path in sorted((DATA / folder).glob("*.yaml")):
            first = path.read_text(encoding="utf-8").splitlines()[0]
            assert first == f"# yaml-language-server: $schema=../../schemas/{schema}.schema.json", path


def test_disagreeing_sources_are_both_kept() -> None:
    sf = link("taipei", "san-francisco").rel
    assert sf.signed == PartialDate(1969) and [alt.signed for alt in sf.alternatives] == [PartialDate(1970)]
    cebu = link("kaohsiung", "cebu-city").rel
    assert {cebu.signed, *[alt.signed for alt in cebu.alternatives]} == {PartialDate(1970), PartialDate(1969, 2, 6)}
    male = link("kaohsiung", "male").rel
    assert male.effective_status == "disputed" and any(alt.status == "ended" for alt in male.alternatives)
    wellington = link("taipei", "wellington").rel
    assert any(alt.type == "sister" for alt in wellington.alternatives)
    c40 = next(m for m in atlas().places["yokohama"].memberships if m.network == "c40")
    assert {c40.since, *[alt.since for alt in c40.alternatives]} == {PartialDate(2010), PartialDate(2008)}
    taipei_counts = {r.count for r in atlas().places["taipei"].reported if r.of == ["sister"]}
    assert {52, 53} <= taipei_counts


def test_unknown_dates_stay_unknown_and_bodies_are_named() -> None:
    assert link("taipei", "cleveland").signed is not None or link("taipei", "cleveland").rel.alternatives
    assert link("kaohsiung", "san-antonio").signed is None
    port = link("yokohama", "oakland", "port").rel
    assert (port.body, port.partner_body) == ("Port of Yokohama", "Port of Oakland")


def test_networks_programmes_and_events() -> None:
    a = atlas()
    assert {"c40", "iclei", "citynet", "uclg-aspac", "mayors-for-peace"} <= set(a.networks)
    assert a.programs["y-port"].lead == "yokohama" and a.programs["go-smart"].lead == "taipei"
    odesa_events = [a.places[o].events[i].date for o, i in a.events_with["odesa"]]
    assert PartialDate(2023, 3) in odesa_events

"""Questions a reader answers on one page: which ties are not active, where each city's partners
are; numbers and lists written as a person would write them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from macros.figures import tick_step

from .test_build import page, text_of

pytestmark = pytest.mark.build


def captions_and_rows(html: str) -> dict[str, int]:
    return {caption: body.count("<tr") - 1 for caption, body in re.findall(r"<caption>([^<]*)</caption>(.*?)</table>", html, re.S)}


def test_the_status_page_lists_every_tie_that_is_not_active_and_the_suspensions(site: Path, atlas) -> None:
    html = page(site, "status")
    rows = captions_and_rows(html)
    for status, caption in [("ended", "Ties that have ended"), ("disputed", "Ties whose sources disagree or that rest on lists alone")]:
        assert rows[caption] == sum(1 for link in atlas.links if link.status == status)
    assert "2013-05" in html and "Exchanges with the sister city Cebu suspended" in html
    assert 'href="status/"' in page(site, "analysis") or 'href="../status/"' in page(site, "analysis")


def test_partner_totals_count_each_citys_links_by_region_and_country(site: Path, atlas) -> None:
    html = page(site, "taiwan")
    table = re.search(r"<caption>Links by the partner&#39;s country</caption>(.*?)</table>", html, re.S).group(1)
    japan = re.search(r'<th scope="row">Japan</th>(.*?)</tr>', table, re.S).group(1)
    cells = re.findall(r'data-sort="(\d+)"', japan)
    kaohsiung = sum(1 for link in atlas.links_of("kaohsiung") if atlas.places[link.other("kaohsiung")].country == "JP")
    assert int(cells[1]) == kaohsiung and int(cells[-1]) == sum(int(c) for c in cells[:-1])


@pytest.mark.parametrize("peak, step", [(0, 1), (3, 1), (6, 2), (13, 5), (39, 10), (99, 20), (260, 100)])
def test_chart_ticks_are_round(peak: int, step: int) -> None:
    assert tick_step(peak) == step


def test_numbers_read_as_a_person_writes_them(site: Path) -> None:
    for url in ("cities/taipei", "cities/houston", "quality", "countries/jp", "networks/citynet"):
        text = text_of(page(site, url))
        assert not re.search(r"\b1 (places|countries|links|networks|ties)\b", text), url
        assert " countries on " not in text and " country on " not in text and "Member of 0" not in text, url
        assert ".." not in text.replace("...", ""), url


def test_a_place_timeline_numbers_its_entries_once(site: Path) -> None:
    html = page(site, "cities/taipei")
    timeline = html[html.index('<div class="atlas-timeline">'):]
    starts = [int(n) for n in re.findall(r'<ol start="(\d+)">', timeline)]
    counts = [body.count("<li") for body in re.findall(r"<ol start=\"\d+\">(.*?)</ol>", timeline, re.S)]
    assert starts == [1 + sum(counts[:i]) for i in range(len(counts))]


def test_a_suspension_event_shows_on_the_rows_of_the_ties_it_paused(site: Path) -> None:
    row = lambda html, partner: re.search(rf'<tr class="atlas-link[^>]*>\s*<td><a href="[^"]*{partner}/">.*?</tr>', html, re.S).group(0)  # noqa: E731
    taipei = page(site, "cities/taipei")
    for partner in ("manila", "quezon-city"):
        assert "suspended <time datetime=\"2013-05\">2013-05</time> (an event)" in row(taipei, partner)
    assert "suspended" not in text_of(row(taipei, "houston"))
    assert text_of(page(site, "countries/ph")).count("suspended 2013-05 (an event)") >= 3


def test_yokohamas_page_names_the_joint_statement_and_the_port_no_source_identifies(site: Path) -> None:
    text = text_of(page(site, "cities/yokohama"))
    assert re.search(r"Yokohama reports 5 joint statements \(as of 2024-10-21\)( \[\d+\])+ ; the atlas records 4 \(Joint statement\)\. "
                     r"Cotonou, Abidjan, Tel Aviv-Yafo and Callao are identified; the fifth is not", text)
    assert re.search(r"Yokohama reports 6 sister/friendship/trade cooperation ports( \[\d+\])+ ; the atlas records 5 .*the sixth was not found", text)


def test_the_taiwan_page_compares_the_six_cities_on_one_basis(site: Path, atlas) -> None:
    html = page(site, "taiwan")
    table = re.search(r"<caption>Taiwan&#39;s special municipalities and Yokohama compared</caption>(.*?)</table>", html, re.S).group(1)
    rows = {re.search(r'<th scope="row"><a [^>]*>([^<]+)</a>', r).group(1): r for r in re.findall(r'<tr><th scope="row">.*?</tr>', table, re.S)}
    assert list(rows) == ["Taipei", "Kaohsiung", "New Taipei", "Taichung", "Tainan", "Taoyuan", "Yokohama"]
    kaohsiung = text_of(rows["Kaohsiung"])
    allied = sum(1 for link in atlas.links_of("kaohsiung") if link.rel.type in ("sister", "friendship"))
    assert f"allied cities (2025-10-20): 45 / {allied}" in kaohsiung and f" {len(atlas.links_of('kaohsiung'))} " in kaohsiung
    assert "1962-09 Honolulu" in kaohsiung  # the first dated tie, with its partner

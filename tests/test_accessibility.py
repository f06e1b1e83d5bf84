"""A reader with a screen reader, a keyboard, low vision or a phone: axe-core over one page of
each kind in both colour schemes, and the tables at 390 px.

axe-core comes from npm (package.json, pinned; `make setup` installs it) and is injected into
Debian's Chromium through Playwright. The theme's own header, search, tabs, sidebars and footer
are left out: they are Material's, and only what the atlas writes and styles is judged here.
"""

from __future__ import annotations

import pytest

from .browser import Visit, needs_chromium
from .conftest import ROOT

pytestmark = [pytest.mark.browser, needs_chromium]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
THEME = [".md-header", ".md-search", ".md-tabs", ".md-sidebar", ".md-footer"]
# One page of each kind (a search page is the theme's: its dialog is left out above).
PAGES = ["", "cities/taipei/", "networks/citynet/", "programs/y-port/", "countries/jp/", "types/sister/",
         "map/", "timeline/", "compare/yokohama-taipei/", "analysis/", "taiwan/", "downloads/", "coverage/",
         "quality/", "status/", "sources/", "about/", "ja/cities/", "zh-Hant/types/sister/", "ja/map/",
         "zh-Hant/networks/citynet/", "ja/", "ja/compare/yokohama-taipei/", "zh-Hant/taiwan/", "ja/about/",
         "zh-Hant/downloads/", "ja/timeline/", "zh-Hant/quality/"]


def serious_violations(visit: Visit) -> list[str]:
    """axe-core's serious and critical violations on the page, one line per rule with a few of its nodes."""
    visit.page.add_script_tag(path=str(AXE))
    found = visit.page.evaluate("""async (exclude) => {
        const result = await axe.run({exclude: exclude.map(s => [s])}, {resultTypes: ["violations"]});
        return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => `${v.id} (${v.nodes.length}): ` + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
    }""", THEME)
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violation_in_the_atlas_content(browser: object, base: str, path: str, scheme: str) -> None:
    assert AXE.exists(), "axe-core is missing: run `make setup`"
    visit = Visit(browser, base, color_scheme=scheme)
    visit.page.goto(base + path)
    if visit.page.locator(".atlas-map").count():
        visit.wait_map(visit.page.locator(".atlas-map").first.get_attribute("id"))
    assert serious_violations(visit) == []
    visit.close()


# A cell's text wraps inside a word when one of its words spans two lines: each word's box is one
# line high. Words end at spaces and after hyphens, and CJK text may break between any two
# characters, as the line-breaking rules allow. Content is clipped when an element is wider than its scroll container shows and
# that container cannot scroll.
TABLE_CHECK = """() => {
    const broken = [], clipped = [];
    for (const cell of document.querySelectorAll("article td, article th")) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            // Words of scripts that break between words; CJK and Hangul may break between characters.
            const re = /[^\\s\\u3000-\\u9fff\\uac00-\\ud7af\\uff00-\\uffef\\u2013\\u2014-]+[\\u2013\\u2014-]?/g; let m;
            while ((m = re.exec(node.data))) {
                const range = document.createRange();
                range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
                const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
                if (lines.size > 1) broken.push(m[0]);
            }
        }
    }
    for (const table of document.querySelectorAll("article table")) {
        let box = table.parentElement;
        while (box && getComputedStyle(box).overflowX === "visible") box = box.parentElement;
        const scrolls = box && ["auto", "scroll"].includes(getComputedStyle(box).overflowX);
        if (!scrolls && table.getBoundingClientRect().right > document.documentElement.clientWidth + 1) clipped.push(table.className);
    }
    return {broken: [...new Set(broken)].slice(0, 10), clipped};
}"""


@pytest.mark.parametrize("path", ["cities/taipei/", "cities/kaohsiung/", "coverage/", "downloads/", "compare/yokohama-taipei/",
                                  "taiwan/", "countries/jp/", "quality/"])
def test_tables_on_a_phone_break_no_word_and_clip_nothing(browser: object, base: str, path: str) -> None:
    visit = Visit(browser, base, viewport=(390, 844), touch=True)
    visit.page.goto(base + path)
    assert visit.page.evaluate(TABLE_CHECK) == {"broken": [], "clipped": []}
    visit.close()


@pytest.mark.parametrize("path", ["ja/coverage/", "zh-Hant/coverage/", "zh-Hant/taiwan/", "ja/cities/yokohama/"])
def test_column_headings_in_chinese_and_japanese_stay_on_one_line_on_a_phone(browser: object, base: str, path: str) -> None:
    visit = Visit(browser, base, viewport=(390, 844), touch=True)
    visit.page.goto(base + path)
    # 公表数 above a column of numbers, not one character a line.
    heights = visit.page.evaluate("""() => [...document.querySelectorAll('table thead th')].map(th => {
        const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT), lines = new Set();
        for (let text = walker.nextNode(); text; text = walker.nextNode()) {
            const range = document.createRange(); range.selectNodeContents(text);
            [...range.getClientRects()].forEach(r => lines.add(Math.round(r.top)));
        }
        return [th.textContent.trim(), lines.size]; })""")
    assert heights and [h for h in heights if h[1] != 1 and " " not in h[0]] == [], heights
    visit.close()



def test_a_long_table_of_links_filters_by_type_status_and_years(browser: object, base: str, atlas) -> None:
    visit = Visit(browser, base, viewport=(390, 844), touch=True)
    page = visit.page
    page.goto(base + "cities/kaohsiung/")
    links = atlas.links_of("kaohsiung")
    form = page.locator("form.atlas-table-filters")
    assert form.is_visible() and form.locator("output").text_content() == f"{len(links)} links"
    table = page.locator("#" + form.get_attribute("data-table"))
    shown = table.locator("tbody tr.atlas-link:visible")
    # "What did Kaohsiung sign in 2024-25?"
    form.locator("input[name=from]").fill("2024")
    form.locator("input[name=to]").fill("2025")
    signed = [link for link in links if link.signed and 2024 <= link.signed.year <= 2025]
    assert form.locator("output").text_content() == f"Showing {len(signed)} of {len(links)} links (undated links left out)"
    assert sorted(shown.evaluate_all("rows => rows.map(r => r.dataset.year)")) == sorted(str(l.signed.year) for l in signed)
    form.locator("input[name=from]").fill("")
    form.locator("input[name=to]").fill("")
    form.locator("select[name=type]").select_option("sister")
    form.locator("select[name=status]").select_option("active")
    wanted = [link for link in links if link.rel.type == "sister" and link.status == "active"]
    assert shown.count() == len(wanted) and set(shown.evaluate_all("rows => rows.map(r => r.dataset.type)")) == {"sister"}
    # A link's note row goes with its link; the filters fit a phone's width.
    assert page.evaluate("""(id) => [...document.querySelectorAll('#' + id + ' tr.atlas-link-note')]
        .every(n => n.hidden === n.previousElementSibling.hidden)""", form.get_attribute("data-table"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert visit.page.evaluate(TABLE_CHECK) == {"broken": [], "clipped": []}
    visit.check_clean()
    visit.close()


def test_the_table_of_a_type_filters_by_status_and_years(browser: object, base: str, atlas) -> None:
    visit = Visit(browser, base)
    visit.page.goto(base + "types/sister/")
    form = visit.page.locator("form.atlas-table-filters")
    links = [link for link in atlas.links if link.rel.type == "sister"]
    form.locator("input[name=from]").fill("2000")
    after = [link for link in links if link.signed and link.signed.year >= 2000]
    assert form.locator("output").text_content() == f"Showing {len(after)} of {len(links)} links (undated links left out)"
    visit.check_clean()
    visit.close()


def test_a_long_table_counts_its_links_in_the_pages_language(browser: object, base: str, atlas) -> None:
    visit = Visit(browser, base, viewport=(390, 844), touch=True)
    visit.page.goto(base + "ja/cities/kaohsiung/")
    links = atlas.links_of("kaohsiung")
    form = visit.page.locator("form.atlas-table-filters")
    assert form.locator("output").text_content() == f"{len(links)} 件"
    form.locator("input[name=from]").fill("2024")
    signed = [link for link in links if link.signed and link.signed.year >= 2024]
    assert form.locator("output").text_content() == f"{len(links)} 件中 {len(signed)} 件を表示（日付不明の提携は除く）"
    visit.check_clean()
    visit.close()

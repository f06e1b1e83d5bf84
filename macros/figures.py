"""Figures computed from the records: counts, first and latest dates, decades, regions, charts.

Everything a page states as a number comes from here, never from hand-typed text.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

from markupsafe import Markup, escape

from .atlas import Atlas, Link
from .countries import CONTINENTS, countries
from .i18n import N_

# Regions for the "where partners are" figures: continents, with the Americas split
# the way the seed literature describes the shift (United States and Canada vs the rest).
# Their labels are in the catalogues (N_): a chart in another language shows them translated.
REGIONS = [
    ("northern-america", N_("United States & Canada"), "#1565c0"),
    ("latin-america", N_("Latin America & Caribbean"), "#2e7d32"),
    ("asia", N_("Asia"), "#c62828"),
    ("europe", N_("Europe"), "#6a1b9a"),
    ("oceania", N_("Oceania"), "#00838f"),
    ("africa", N_("Africa"), "#ef6c00"),
]
_REGION_LABEL = {rid: label for rid, label, _ in REGIONS}


def region_of(country_code: str) -> str:
    country = countries().get(country_code)
    if country is None:
        return "asia"
    if country.continent == "NA":
        return "northern-america" if country_code in ("US", "CA", "GU", "PR", "AS", "MP") else "latin-america"
    return {"SA": "latin-america", "AS": "asia", "EU": "europe", "OC": "oceania", "AF": "africa"}.get(
        country.continent, "asia"
    )


def region_label(region_id: str) -> str:
    return _REGION_LABEL[region_id]


def decade(year: int) -> int:
    return year - year % 10


@dataclass(frozen=True)
class PlaceFigures:
    links: int
    by_type: list[tuple[str, int]]  # (type id, count), most first
    first: Optional[Link]
    latest: Optional[Link]
    undated: int
    partner_countries: int
    continents: list[str]
    networks: int
    not_active: int


def place_figures(atlas: Atlas, place_id: str) -> PlaceFigures:
    links = atlas.links_of(place_id)
    dated = [link for link in links if link.signed]
    types = Counter(link.rel.type for link in links)
    partners = [atlas.places[link.other(place_id)] for link in links if link.other(place_id) in atlas.places]
    continent_codes = sorted({countries()[p.country].continent for p in partners if p.country in countries()})
    place = atlas.places[place_id]
    return PlaceFigures(
        links=len(links),
        by_type=sorted(types.items(), key=lambda item: (-item[1], item[0])),
        first=dated[0] if dated else None,
        latest=dated[-1] if dated else None,
        undated=len(links) - len(dated),
        partner_countries=len({p.country for p in partners}),
        continents=[CONTINENTS[code] for code in continent_codes],
        networks=len({m.network for m in place.memberships}),
        not_active=sum(link.status != "active" for link in links),
    )


def recorded_count(atlas: Atlas, place_id: str, type_ids: Iterable[str]) -> int:
    wanted = set(type_ids)
    return sum(link.rel.type in wanted for link in atlas.links_of(place_id))


def per_decade(links: Iterable[Link], key) -> tuple[list[int], dict[str, Counter]]:
    """Count dated links per decade, split by key(link). Returns (decades, series -> decade -> n)."""
    series: dict[str, Counter] = defaultdict(Counter)
    years = []
    for link in links:
        if link.signed:
            years.append(link.signed.year)
            series[key(link)][decade(link.signed.year)] += 1
    if not years:
        return [], {}
    decades = list(range(decade(min(years)), decade(max(years)) + 10, 10))
    return decades, dict(series)


def tick_step(peak: int) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving about four ticks up to peak: 39 -> 10."""
    step = 1
    while peak / step > 5:
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2
    return step


def stacked_bars(
    title: str,
    decades: list[int],
    series: dict[str, Counter],
    legend: list[tuple[str, str, str]],  # (key, label, colour), drawing order
    gettext: Callable[[str], str] = str,
) -> Markup:
    """An accessible stacked bar chart as inline SVG (no script), with a data table fallback.
    ``title`` and the legend's labels come in the page's language; ``gettext`` (its catalogue's)
    writes the decades' labels in it ("1960s", "1960年代")."""
    width, height, left, bottom, top = 720, 260, 36, 28, 12
    keys = [key for key, _, _ in legend if key in series]
    totals = {d: sum(series[k][d] for k in keys) for d in decades}
    step = tick_step(max(totals.values(), default=0))
    peak = step * -(-max(totals.values(), default=0) // step) or step  # the axis ends on a tick above every bar
    bar_w = (width - left - 8) / max(len(decades), 1)
    scale = (height - bottom - top) / peak
    parts = [
        f'<svg class="atlas-chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}"'
        ' xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in range(0, peak + 1, step):
        y = height - bottom - tick * scale
        parts.append(f'<line x1="{left}" x2="{width - 4}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    colours = {key: colour for key, _, colour in legend}
    labels = {key: label for key, label, _ in legend}
    separator = gettext(": ")
    for i, d in enumerate(decades):
        named = gettext("%(decade)ss") % {"decade": d}
        x = left + i * bar_w + 3
        y = height - bottom
        for key in keys:
            n = series[key][d]
            if not n:
                continue
            h = n * scale
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 6:.1f}" height="{h:.1f}" fill="{colours[key]}">'
                f"<title>{named}{separator}{escape(labels[key])} {n}</title></rect>"
            )
        parts.append(f'<text x="{x + (bar_w - 6) / 2:.1f}" y="{height - 10}" text-anchor="middle">{named}</text>')
    parts.append("</svg>")
    legend_html = "".join(
        f'<li><span class="atlas-key" style="background:{colours[k]}"></span>{escape(labels[k])}</li>' for k in keys
    )
    return Markup("".join(parts) + f'<ul class="atlas-chart-legend">{legend_html}</ul>')


def partner_totals(atlas: Atlas, pids: list[str], by: str = "country") -> list[tuple[str, list[int]]]:
    """Rows (country code or region label, [links of each place with partners there]), the most
    first, then by the country's English name or the label."""
    where = (lambda code: code) if by == "country" else (lambda code: region_label(region_of(code)))
    name = (lambda code: countries()[code].name) if by == "country" else (lambda label: label)
    counts: dict[str, list[int]] = {}
    for i, pid in enumerate(pids):
        for link in atlas.links_of(pid):
            key = where(atlas.places[link.other(pid)].country)
            counts.setdefault(key, [0] * len(pids))[i] += 1
    return sorted(counts.items(), key=lambda row: (-sum(row[1]), name(row[0])))

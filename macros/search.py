"""Search entries for generated pages, written by the atlas instead of the theme's indexer.

Indexing the whole HTML of every generated page (tables, timelines, notes) made the
theme's search indexer the largest cost of a build and filled the index with
repeated text. Generated pages are excluded from it (front matter
`search: {exclude: true}`) and get one compact entry each, built here: for a place,
its English and native names as the title (so 横浜 finds Yokohama) and its kind,
country, partners and summary as the text. Titles and text are HTML-escaped: the
search box shows them as HTML.
"""

from __future__ import annotations

import re
from html import escape, unescape

from .atlas import Atlas
from .countries import countries
from .render import md


def plain(markdown_text: str | None) -> str:
    """Contributor Markdown as plain text."""
    if not markdown_text:
        return ""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", str(md(markdown_text)))).strip())


def place_title(atlas: Atlas, pid: str) -> str:
    place = atlas.places[pid]
    return " ".join([place.name] + [place.names[lang] for lang in sorted(place.names)])


def place_text(atlas: Atlas, pid: str) -> str:
    place = atlas.places[pid]
    partners = sorted({atlas.places[link.other(pid)].name for link in atlas.links_of(pid)})
    kind = atlas.term("place_kinds", place.kind).label
    country = countries()[place.country].name
    return f"{kind} in {country}. Links with {', '.join(partners) or 'no other place yet'}. {plain(place.summary)}".strip()


# A place's page is where a search for its name should lead first, before an essay or a
# programme that carries the name in its title: its entry weighs more (Material's per-page boost).
PLACE_BOOST = 4


def entry(url: str, title: str, text: str, boost: float | None = None) -> dict:
    found = {"location": url, "title": escape(title), "text": escape(text)}
    return found if boost is None else {**found, "boost": boost}

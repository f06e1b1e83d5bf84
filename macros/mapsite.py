"""Where the maps sit in the site: the files they load, and the block a page carries.

No Folium and no numpy here: the build's main process imports this module only; the
maps themselves (``macros.maps``) and their data (``macros.mapdata``) are made by the
process that writes the files. Paths are relative to the site root.
"""

from __future__ import annotations

import html
import json
import re

from typing import Callable
from urllib.parse import urlsplit

import xyzservices
from markupsafe import Markup

from .i18n import N_

KINDS = ("place", "group", "world")
DATA_FILE = "map.geojson"  # a map's data, beside its page (macros.mapdata)
VENDOR = "assets/vendor"
BASEMAP = f"{VENDOR}/basemap/countries.geojson"
TILES = xyzservices.providers.OpenStreetMap.Mapnik  # the maps' tiles (maps.AtlasMap); a provider object: no name lookup
# A page with a map opens its connection to the tile host while the map code loads (a phone saves
# the handshakes' round trips before the first tile; Lighthouse: about 240 ms on the world map).
TILE_ORIGIN = f"https://{urlsplit(TILES.url).hostname}"
PRECONNECT = f'<link rel="preconnect" href="{TILE_ORIGIN}">\n'

# Folium's (name, URL) asset lists, pointed at the copies the site serves (maps.install_assets).
LEAFLET = {"js": [("leaflet", f"{VENDOR}/leaflet/leaflet.js")], "css": [("leaflet_css", f"{VENDOR}/leaflet/leaflet.css")]}
CLUSTER = {
    "js": [("markerclusterjs", f"{VENDOR}/leaflet.markercluster/leaflet.markercluster.js")],
    "css": [("markerclustercss", f"{VENDOR}/leaflet.markercluster/MarkerCluster.css"),
            ("markerclusterdefaultcss", f"{VENDOR}/leaflet.markercluster/MarkerCluster.Default.css")],
}
FULLSCREEN = {
    "js": [("Control.Fullscreen.js", f"{VENDOR}/leaflet.fullscreen/Control.FullScreen.js")],
    "css": [("Control.FullScreen.css", f"{VENDOR}/leaflet.fullscreen/Control.FullScreen.css")],
}
SPIDERFIER = {"js": [("overlappingmarkerjs", f"{VENDOR}/oms/oms.js")], "css": []}


def kind_script(kind: str) -> str:
    """The script of a kind of map (Folium's, in a function: ``maps.kind_scripts``)."""
    return f"assets/atlas/maps/{kind}.js"


#: What a page with a map loads, in order, once: atlas-maps.js (deferred, on every page, 10 KB)
#: finds the page's maps and only then adds these to <head>. The plugins' files are those Folium's elements ask
#: for (a test checks it); then ours. A page without a map loads no map code at all.
MAP_CSS = [url for assets in (LEAFLET, FULLSCREEN, CLUSTER) for _, url in assets["css"]]  # atlas-map.css: every page (mkdocs.yml)
MAP_JS = [url for assets in (LEAFLET, FULLSCREEN, CLUSTER, SPIDERFIER) for _, url in assets["js"]]
KIND_JS = [kind_script(kind) for kind in KINDS]  # each loaded where a map of its kind is
ADAPTER_JS = "assets/atlas/atlas-maps.js"


def loader_tag(base: str) -> Markup:
    """The one map <script> of every page's <head>; ``base`` is the page's way to the site root
    (the theme's ``base_url``, e.g. ``..``)."""
    base = base.rstrip("/")  # "/atlas/" on the 404 page, ".." elsewhere
    files = lambda paths: html.escape(" ".join(f"{base}/{p}" for p in paths), quote=True)  # noqa: E731
    return Markup(f'<script defer src="{files([ADAPTER_JS])}" data-css="{files(MAP_CSS)}" '
                  f'data-js="{files(MAP_JS)}" data-kinds="{files(KIND_JS)}"></script>')


#: The words the maps' scripts show (atlas-maps.js, the controls in macros/maps.py), which
#: ask for them by their English text (``entry.t``): a page in another language gives their
#: translations to its map (``data-words``). ``{n}`` and the like are filled in by the script.
MAP_WORDS = (
    N_("Legend"), N_("Link types"), N_("Status"), N_("Active"), N_("Ended"), N_("Suspended"), N_("Disputed"),
    N_("Links signed up to: "), N_("{n} dated links"), N_(" + {n} undated"), N_(" include the {n} undated"),
    N_("Find a place"), N_("No place found"), N_("Signed {date}"), N_("Date not known"), N_("Status: {status}"),
    N_("Open {name}"), N_("Open page"), N_("and {n} more links"), N_("The map could not be drawn."),
    N_("Zoom in"), N_("Zoom out"), N_("Full screen"), N_("Exit full screen"),
)

_MAP_ID_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def _same(text: str) -> str:
    return text


def map_block(map_id: str, kind: str, label: str, data_url: str, root: str, _: Callable[[str], str] = _same) -> Markup:
    """The HTML of one map in a page (one block, no blank line), as ``Markup`` for templates.

    ``data_url`` is the map's GeoJSON (``mapdata``), relative to the page; ``root`` the page's
    way to the site root (``../../``), for the country outlines. Nothing is preloaded: on a phone
    a preload competes with the page's text and styles (Lighthouse: Taipei 83–86 with, 91–98
    without); the adapter fetches the data and the map code together once the page is parsed.
    ``label`` names the map for screen readers. No ``<script>``: a page swap would run JSON as code.
    ``_`` translates its words (macros.i18n).
    """
    if not _MAP_ID_RE.fullmatch(map_id or ""):
        raise ValueError(f"map id {map_id!r}: use a letter then letters, digits, '-' or '_'")
    if kind not in KINDS:
        raise ValueError(f"map kind {kind!r}: one of {KINDS}")
    esc = lambda value: html.escape(str(value), quote=True)  # noqa: E731
    skip = esc(_("Skip map"))
    words = {word: _(word) for word in MAP_WORDS if _(word) != word}
    said = f' data-words="{esc(json.dumps(words, ensure_ascii=False, sort_keys=True))}"' if words else ""
    return Markup(
        # data-search-exclude: Material's search leaves out "Skip map".
        f'<figure class="atlas-map-figure atlas-map-figure--{kind}" id="{esc(map_id)}-figure" data-search-exclude>\n'
        + PRECONNECT +
        f'<a class="atlas-map-skip" href="#{esc(map_id)}-end">{skip}</a>\n'
        f'<div class="atlas-map" id="{esc(map_id)}" role="region" aria-label="{esc(label)}" tabindex="0" '
        f'data-kind="{kind}" data-src="{esc(data_url)}" data-basemap="{esc(root + BASEMAP)}"{said}></div>\n'
        f'<span class="atlas-map-end" id="{esc(map_id)}-end" tabindex="-1"></span>\n'
        "</figure>"
    )


EMBED_PAGE = "embed/"  # one map-only page: ?map=<a page's path> picks the map (atlas-maps.js)
EMBED_HEIGHT = 450


def embed_block(basemap_url: str) -> Markup:
    """The map of the embed page: its kind and data come from the address, read by atlas-maps.js."""
    esc = lambda value: html.escape(str(value), quote=True)  # noqa: E731
    return Markup(
        '<div class="atlas-map atlas-map--embed" id="map-embed" role="region" aria-label="Map of city ties" '
        f'tabindex="0" data-embed data-basemap="{esc(basemap_url)}"></div>\n'
        '<div class="atlas-embed-bar">' + PRECONNECT.strip() + '<a class="atlas-embed-open" href="../map/" target="_blank" rel="noopener">'
        'Open in the City Diplomacy Atlas</a></div>\n'
    )


def embed_snippet(embed_url: str, label: str, _: Callable[[str], str] = _same) -> Markup:
    """What a newsroom or a city's site pastes to show a page's map: an <iframe> of the embed page
    (``_`` translates its words)."""
    iframe = (f'<iframe src="{html.escape(embed_url, quote=True)}" title="{html.escape(label, quote=True)}" '
              f'width="100%" height="{EMBED_HEIGHT}" style="border:0" loading="lazy"></iframe>')
    summary, paste = html.escape(_("Embed this map")), html.escape(_("Paste this HTML into a web page to show the map there:"))
    return Markup(
        f'<details class="atlas-embed-snippet">\n<summary>{summary}</summary>\n'
        f"<p>{paste}</p>\n"
        f"<pre><code>{html.escape(iframe)}</code></pre>\n</details>\n"
    )

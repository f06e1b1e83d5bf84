"""The macros hand-written pages may use (registered with mkdocs-macros by the adapter).

The Authoring page (content/authoring.md) shows each with an example; a test fails when one
is missing there. The blocks (tables, timelines, figures, comparisons) are the functions of
`blocks.py`, the same the generated pages are made of. A wrong argument raises ValueError
naming the macro and the argument, which fails the build with the page's name.
"""

from __future__ import annotations

import typing
from operator import methodcaller
from pathlib import Path
from typing import Any, Callable

from markupsafe import Markup, escape

from . import blocks, exports, i18n, model, pages
from .atlas import Atlas
from .render import relative

COUNTABLE = ("places", "links", "networks", "programs", "sources")


def _type_name(annotation: Any) -> str:
    """A reader's name for a field's type."""
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        names = [_type_name(a) for a in args]
        return " or ".join(dict.fromkeys(names))
    if origin is list:
        return f"list of {_type_name(args[0])}" if args else "list"
    if origin is dict:
        return "mapping"
    if origin is typing.Literal:
        return " | ".join(str(a) for a in typing.get_args(annotation))
    if annotation is model.PartialDate:
        return "date (YYYY, YYYY-MM or YYYY-MM-DD)"
    if isinstance(annotation, type) and issubclass(annotation, model.Record):
        return annotation.__name__
    return {str: "text", int: "whole number", float: "number", bool: "true/false"}.get(annotation, getattr(annotation, "__name__", str(annotation)))


def field_rows(record: type[model.Record]) -> list[tuple[str, str, bool, str]]:
    """(name, type, required, description) for every field of a record type."""
    rows = []
    for name, info in record.model_fields.items():
        rows.append((info.alias or name, _type_name(info.annotation), info.is_required(), info.description or ""))
    return rows


def field_reference(name: str) -> Markup:
    record = getattr(model, name)
    body = "".join(
        f"<tr><td><code>{escape(field)}</code></td><td>{escape(kind)}</td><td>{'yes' if required else ''}</td><td>{escape(text)}</td></tr>"
        for field, kind, required, text in field_rows(record)
    )
    return Markup(
        f'<table class="atlas-table atlas-fields" id="fields-{name.lower()}"><caption>{escape(record.__doc__.strip().splitlines()[0])}</caption>'
        "<thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Meaning</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def macros(atlas: Atlas, site: pages.SiteConfig, here: Callable[[], str],
           add_map: Callable[[str, Callable], None] = lambda page, make: None,
           language: Callable[[], str] = lambda: i18n.ENGLISH) -> dict[str, Callable[..., Any]]:
    """The macros by name. `here()` is the URL of the page being written, for relative links;
    `language()` its language (a translator's page: their words, links and names in it).

    They return finished, escaped HTML (Markup): the engine adapter puts it in after the
    engine's own Markdown, so no data text is ever read as Markdown.
    """

    def home_figures() -> Markup:
        return Markup(pages.home_page(atlas, site))

    def atlas_count(what: str) -> int:
        if what not in COUNTABLE:
            raise ValueError(f"atlas_count: '{what}' is not one of {', '.join(COUNTABLE)}")
        return len(atlas.links) if what == "links" else len(getattr(atlas, what))

    def place_link(pid: str) -> Markup:
        if pid not in atlas.places:
            raise ValueError(f"place_link: no place '{pid}'")
        view = pages.View(atlas, here(), site, lang=language())
        return Markup(f'<a href="{escape(view.url(pages.place_url(pid)))}">{escape(view.place_name(pid))}</a>')

    def top_places(n: int = 5) -> Markup:
        ranked = sorted(atlas.places, key=lambda pid: (-len(atlas.links_of(pid)), pid))[:n]
        return Markup(", ").join(
            Markup("{link} ({count})").format(link=place_link(pid), count=len(atlas.links_of(pid))) for pid in ranked
        )

    def vocabulary_table(section: str) -> Markup:
        lang = language()
        _ = i18n.gettext_of(lang)
        terms = getattr(atlas.vocabulary, section)
        body = "".join(
            f"<tr><td><code>{escape(t.id)}</code></td><td>{escape(t.label_in(lang))}</td><td>{escape(t.definition_in(lang))}</td>"
            + (f'<td><span class="atlas-key" style="background:{escape(t.color)}"></span> {escape(t.color)}</td>' if t.color else "<td></td>")
            + "</tr>"
            for t in terms
        )
        head = "".join(f"<th>{escape(word)}</th>" for word in ("id", _("Label"), _("Definition"), _("Map colour")))
        return Markup(f'<table class="atlas-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')

    def contributing_guide() -> str:
        """CONTRIBUTING.md is written once, for GitHub; the Contribute page shows the same text.

        Plain text, not Markup: the engine reads it as the page's own Markdown (headings, contents).
        """
        return (Path(site.root) / "CONTRIBUTING.md").read_text(encoding="utf-8")

    def english() -> str:  # the files' and columns' descriptions are written once, in English (the Data Package's)
        return "" if language() == i18n.ENGLISH else ' lang="en"'

    def downloads_table() -> Markup:
        _ = i18n.gettext_of(language())
        body = "".join(
            f'<tr><td><a href="{escape(relative(here(), "downloads/" + name))}">{escape(name)}</a></td><td{english()}>{escape(text)}</td></tr>'
            for name, text in exports.DOWNLOADS.items()
        )
        head = "".join(f"<th>{escape(word)}</th>" for word in (_("File"), _("What it holds")))
        return Markup(f'<table class="atlas-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')

    def download_fields(name: str) -> Markup:
        if name not in exports.TABLES:
            raise ValueError(f"download_fields: name='{name}': one of {', '.join(exports.TABLES)}")
        _ = i18n.gettext_of(language())
        columns = exports.table(atlas, name)[0]  # the file's columns: none that is empty in every row
        body = "".join(f"<tr><td><code>{escape(c.name)}</code></td><td{english()}>{escape(c.meaning)}</td></tr>" for c in columns)
        head = "".join(f"<th>{escape(word)}</th>" for word in (_("Column"), _("Meaning")))
        return Markup(f'<table class="atlas-table atlas-fields"><caption>{escape(name)}</caption>'
                      f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")

    def relationship_table(caption: str = "", **arguments: Any) -> Markup:
        chosen = blocks.LinkFilter.of("relationship_table", atlas, **arguments)
        return blocks.relationship_table(atlas, site, here(), chosen, caption or "Links", language())

    def figure(what: str, **arguments: Any) -> Any:
        return blocks.figure(atlas, what, blocks.LinkFilter.of("figure", atlas, **arguments), language())

    def events(kind: str = "") -> Markup:
        """Every event of a kind (a vocabulary `event_kinds` id, e.g. suspension), by date."""
        return blocks.events(atlas, site, here(), kind, language())

    def partner_totals(places: str, by: str = "country", caption: str = "") -> Markup:
        """Links of each of the places (ids, space-separated) by the partner's country or region."""
        return blocks.partner_totals(atlas, site, here(), places.split(), by, caption or f"Links by the partner's {by}", language())

    def places_compared(places: str, caption: str = "") -> Markup:
        """The places (ids, space-separated) side by side: counts reported and recorded, types, partners, first and latest tie."""
        return blocks.places_compared(atlas, site, here(), places.split(), caption or "The places compared", language())

    def timeline(place: str) -> Markup:
        blocks.LinkFilter.of("timeline", atlas, place=place)
        return blocks.timeline(atlas, site, here(), place, language())

    def key_figures(place: str) -> Markup:
        blocks.LinkFilter.of("key_figures", atlas, place=place)
        return blocks.key_figures(atlas, site, here(), place, language())

    def link_map(label: str = "", **arguments: Any) -> Markup:
        """The group map of the generated pages, for the filtered links; its data beside the page."""
        chosen = blocks.LinkFilter.of("link_map", atlas, **arguments)
        links = chosen.links(atlas)
        pids = sorted({pid for link in links for pid in (link.owner, link.partner)} | {chosen.place} - {None})
        page = here()
        add_map(page, methodcaller("group", page, pids, links, chosen.place, language()))
        return pages.map_html(pages.View(atlas, page, site, lang=language()), "group", "map-page", label or "Map of the links", embed=False)

    def compare(first: str, second: str) -> Markup:
        return blocks.compare(atlas, site, here(), first, second, language())

    def citation(title: str = "", page: str = "") -> Markup:
        """A ready citation of this page (or of `page`, site-root relative) with the licence."""
        return blocks.block(atlas, site, here(), "citation", title or site.site_name, page or here(), notes=False, lang=language())

    return {
        function.__name__: function
        for function in (home_figures, atlas_count, place_link, top_places, field_reference, vocabulary_table,
                         downloads_table, download_fields, relationship_table, figure, events, partner_totals, places_compared,
                         timeline, key_figures,
                         link_map, compare, citation, contributing_guide)
    }

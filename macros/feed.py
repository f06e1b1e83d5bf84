"""The Atom feed of new agreements (feed.xml), built with feedgen. No MkDocs here.

One entry per dated agreement, newest first. Entry ids are tag URIs made of the two places,
the type and the date, so they stay the same from build to build; every date in the feed
comes from the records, never from the clock, so the same data gives the same bytes.
"""

from __future__ import annotations

import datetime

from feedgen.feed import FeedGenerator

from .atlas import Atlas, Link
from .pages import SiteConfig, place_url
from .search import plain

ENTRIES = 50
TAG = "tag:city-diplomacy-atlas.github.io,2025:"


def _when(link: Link) -> datetime.datetime:
    date = link.signed
    assert date is not None
    return datetime.datetime(date.year, date.month or 1, date.day or 1, tzinfo=datetime.timezone.utc)


def _entry(feed: FeedGenerator, atlas: Atlas, site: SiteConfig, link: Link) -> None:
    owner, partner = atlas.places[link.owner], atlas.places[link.partner]
    label = atlas.term("relationship_types", link.rel.type).label
    entry = feed.add_entry(order="append")
    entry.id(f"{TAG}link/{link.owner}/{link.partner}/{link.rel.type}/{link.signed}")
    entry.title(f"{owner.name} – {partner.name}: {label} ({link.signed})")
    entry.link(href=site.absolute(place_url(link.owner)))
    entry.updated(_when(link))
    entry.published(_when(link))
    summary = f"{label} between {owner.name} and {partner.name}, signed {link.signed}; status {link.status}."
    entry.summary(summary + (f" {plain(link.rel.note)}" if link.rel.note else ""))


def atom(atlas: Atlas, site: SiteConfig) -> str:
    newest = [link for link in reversed(atlas.links_by_date) if link.signed][:ENTRIES]
    feed = FeedGenerator()
    feed.id(f"{TAG}feed")
    feed.title(f"{site.site_name}: new agreements")
    feed.subtitle("Sister-city, friendship and partner agreements as the atlas records them, newest first.")
    feed.link(href=site.absolute(""), rel="alternate")
    feed.link(href=site.absolute("feed.xml"), rel="self")
    feed.author(name=f"{site.site_name} contributors")
    feed.rights("Data: CC BY 4.0")
    feed.generator(site.site_name)
    feed.updated(_when(newest[0]) if newest else datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc))
    for link in newest:
        _entry(feed, atlas, site, link)
    return feed.atom_str(pretty=True).decode("utf-8")

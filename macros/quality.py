"""How complete and how well sourced the atlas is: the Coverage and Data-quality pages. No MkDocs here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator
from urllib.parse import urlsplit

from . import figures
from .atlas import Atlas, Link
from .model import Reported, SourceEntry

# Copies of Wikipedia and other encyclopedias: never a source (the checker warns).
MIRROR_HOSTS = (
    "infogalactic.com", "kfd.me", "wikiwand.com", "wikimili.com", "wiki2.org", "wikizero.com",
    "everybodywiki.com", "handwiki.org", "how.com.vn", "cryer.org.uk", "en-academic.com",
    "alchetron.com", "justapedia.org", "wenewstw.com", "dbpedia.org", "wikibrief.org", "howkno.com",
    "jsaytz.com", "db0nus869y26v.cloudfront.net",
)
# Blogs, personal sites, forums and mirrors: leads, not proof (the Data-quality page lists them).
WEAK_HOSTS = MIRROR_HOSTS + (
    "blogspot.com", "wordpress.com", "medium.com", "kadosan.com", "5ch.net", "5ch.com.tw", "fandom.com",
    "tripadvisor.com", "liblo.jp", "exblog.jp", "aicongou.com", "eabralit.com",  # the last two repost official releases
)


@dataclass(frozen=True)
class Gap:
    pid: str
    reported: Reported
    recorded: int

    @property
    def missing(self) -> int:
        return self.reported.count - self.recorded


def coverage(atlas: Atlas) -> list[Gap]:
    """Every published count beside what the atlas records, the largest gap first."""
    gaps = [Gap(pid, r, figures.recorded_count(atlas, pid, r.of)) for pid, place in atlas.iter_places() for r in place.reported]
    return sorted(gaps, key=lambda g: (-g.missing, g.pid))


def _on(url: str, hosts: tuple[str, ...]) -> bool:
    host = urlsplit(url).hostname or ""
    return any(host == known or host.endswith("." + known) for known in hosts)


def is_mirror(url: str) -> bool:
    return _on(url, MIRROR_HOSTS)


def is_weak(entry: SourceEntry) -> bool:
    return _on(entry.url or "", WEAK_HOSTS)


def _entry(atlas: Atlas, source: Any) -> SourceEntry:
    return atlas.sources[source] if isinstance(source, str) else source


def weak_citations(atlas: Atlas) -> Iterator[tuple[Link, SourceEntry]]:
    for link in atlas.links:
        for source in link.rel.sources:
            entry = _entry(atlas, source)
            if is_weak(entry):
                yield link, entry


@dataclass(frozen=True)
class Quality:
    undated: list[Link]
    single_source: list[Link]
    disputed: list[Link]  # status disputed, or another source disagreeing
    weak: list[tuple[Link, SourceEntry]]
    unlinked: list[str]


def quality(atlas: Atlas) -> Quality:
    links = atlas.links_by_date
    linked = {pid for link in links for pid in (link.owner, link.partner)}
    return Quality(
        undated=[link for link in links if link.signed is None],
        single_source=[link for link in links if len(link.rel.sources) == 1 and not link.rel.alternatives],
        disputed=[link for link in links if link.status == "disputed" or link.rel.alternatives],
        weak=sorted(weak_citations(atlas), key=lambda pair: (pair[0].owner, pair[0].index)),
        unlinked=[pid for pid, _ in atlas.iter_places() if pid not in linked],
    )

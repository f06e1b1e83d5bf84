"""The loaded atlas: every record, and the indexes the site and the maps need.

Built once per build by ``validate.load``; read-only afterwards. No MkDocs here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator, Optional

from .model import Network, PartialDate, Place, Program, Relationship, SourceEntry, Term, Vocabulary


@dataclass(frozen=True)
class Link:
    """A relationship between two places, seen from the file that records it."""

    owner: str  # the place whose file records it
    partner: str
    rel: Relationship
    index: int  # position in the owner's `relationships` list

    def other(self, place_id: str) -> str:
        return self.partner if place_id == self.owner else self.owner

    def body_of(self, place_id: str) -> Optional[str]:
        return self.rel.body if place_id == self.owner else self.rel.partner_body

    @property
    def signed(self) -> Optional[PartialDate]:
        return self.rel.signed

    @property
    def status(self) -> str:
        return self.rel.effective_status


@dataclass
class Atlas:
    vocabulary: Vocabulary
    places: dict[str, Place] = field(default_factory=dict)
    networks: dict[str, Network] = field(default_factory=dict)
    programs: dict[str, Program] = field(default_factory=dict)
    sources: dict[str, SourceEntry] = field(default_factory=dict)
    # (folder, id) -> the file's path as the contributor sees it, e.g. data/cities/taipei.yaml
    files: dict[tuple[str, str], str] = field(default_factory=dict)

    @cached_property
    def links(self) -> list[Link]:
        return [
            Link(owner, rel.with_, rel, i)
            for owner, place in sorted(self.places.items())
            for i, rel in enumerate(place.relationships)
        ]

    @cached_property
    def links_by_place(self) -> dict[str, list[Link]]:
        index: dict[str, list[Link]] = defaultdict(list)
        for link in self.links:
            index[link.owner].append(link)
            index[link.partner].append(link)
        return {pid: sorted(found, key=link_order) for pid, found in index.items()}

    @cached_property
    def links_by_date(self) -> list[Link]:
        """Every link, dated ones first in date order, then the undated."""
        return sorted(self.links, key=link_order)

    def links_of(self, place_id: str) -> list[Link]:
        return self.links_by_place.get(place_id, [])

    @cached_property
    def members_by_network(self) -> dict[str, list[tuple[str, int]]]:
        index: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for pid, place in sorted(self.places.items()):
            for i, membership in enumerate(place.memberships):
                index[membership.network].append((pid, i))
        return dict(index)

    @cached_property
    def events_with(self) -> dict[str, list[tuple[str, int]]]:
        """Place id -> events recorded in other places' files that name it (owner id, index)."""
        index: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for pid, place in sorted(self.places.items()):
            for i, event in enumerate(place.events):
                for other in event.with_:
                    if other != pid:
                        index[other].append((pid, i))
        return dict(index)

    @cached_property
    def terms(self) -> dict[str, dict[str, Term]]:
        """Vocabulary section name -> id -> term."""
        return {
            section: {term.id: term for term in getattr(self.vocabulary, section)}
            for section in type(self.vocabulary).model_fields
        }

    def suspensions_of(self, link: Link) -> list:
        """The suspension events either place records with the other (a pause: the link's status stays its own)."""
        found = []
        for pid, other in ((link.owner, link.partner), (link.partner, link.owner)):
            place = self.places.get(pid)
            found += [e for e in (place.events if place else []) if e.kind == "suspension" and other in e.with_]
        return sorted(found, key=lambda e: str(e.date or ""))

    def term(self, section: str, term_id: str) -> Term:
        return self.terms[section][term_id]

    def iter_places(self) -> Iterator[tuple[str, Place]]:
        return iter(sorted(self.places.items()))


def link_order(link: Link) -> tuple:
    date = link.signed.sort_key() if link.signed else (9999, 99, 99)
    return (date, link.owner, link.partner, link.index)

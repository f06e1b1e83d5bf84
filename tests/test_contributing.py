"""The contributor guide (CONTRIBUTING.md): these tests fail when it misses what the data or the checker has."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from macros.validate import load

from .conftest import DATA, ROOT, DataDir

GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_guide_explains_every_relationship_type() -> None:
    vocabulary = yaml.safe_load((DATA / "vocabulary.yaml").read_text(encoding="utf-8"))
    missing = [t["id"] for t in vocabulary["relationship_types"] if f"| `{t['id']}` |" not in GUIDE]
    assert missing == [], f"CONTRIBUTING.md does not say when to use: {missing}"


def test_guide_names_every_record_folder() -> None:
    folders = [p.name for p in DATA.iterdir() if p.is_dir()]
    assert sorted(f for f in folders if f"`data/{f}/`" not in GUIDE) == []


# The guide's "Common mistakes" quote the checker; each mistake below is made again here, on a
# place file of its own, and every error it gives must be in the guide word for word.
BELMOPAN = """\
# yaml-language-server: $schema=../../schemas/place.schema.json
name: Belmopan
kind: city
country: BZ
coordinates: [17.2538, -88.764]
population: 13381
geonames: 3582672
relationships:
  - with: kaohsiung
    type: friendship
    signed: 2019-05-02
    sources:
      - title: "Example source"
        publisher: Example City Government
        url: "https://example.gov/news/1"
"""
MISTAKES = {
    "misspelt field": ("    signed:", "    sigend:"),
    "no source": ('    sources:\n      - title: "Example source"\n        publisher: Example City Government\n'
                  '        url: "https://example.gov/news/1"\n', ""),
    "date that does not exist": ("2019-05-02", "1961-02-30"),
    "date written another way": ("2019-05-02", "2019-05-??"),
    "no such place": ("with: kaohsiung", "with: kaohsuing"),
    "no such type": ("type: friendship", "type: twin"),
    "tab": ("    type:", "\ttype:"),
    "address without a scheme": ("https://example.gov/news/1", "www.example.gov/news/1"),
    "country name": ("country: BZ", "country: Belize"),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_guide_quotes_the_checker_word_for_word(mistake: str, data: DataDir) -> None:
    data.write("cities/kaohsiung.yaml", "name: Kaohsiung\ncountry: TW\ncoordinates: [22.6163, 120.3133]\n")
    before, after = MISTAKES[mistake]
    assert before in BELMOPAN
    data.write("cities/belmopan.yaml", BELMOPAN.replace(before, after))
    _, findings = load(data.root, Path("data"), geography=False)
    errors = [str(f) for f in findings if f.severity == "error"]
    assert errors, mistake
    assert [e for e in errors if e not in GUIDE.splitlines()] == []


def test_unbroken_example_place_has_no_error(data: DataDir) -> None:
    data.write("cities/kaohsiung.yaml", "name: Kaohsiung\ncountry: TW\ncoordinates: [22.6163, 120.3133]\n")
    data.write("cities/belmopan.yaml", BELMOPAN)
    atlas, findings = load(data.root, Path("data"), geography=False)
    assert atlas is not None, [str(f) for f in findings]


def test_guide_yaml_examples_are_yaml() -> None:
    blocks = GUIDE.split("```yaml\n")[1:]
    assert len(blocks) >= 6
    for block in blocks:
        yaml.safe_load(block.split("```")[0])

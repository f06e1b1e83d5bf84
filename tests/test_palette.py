"""The map's line colours: every relationship type can be told from every other, also by colour-blind readers.

The lines are thin (1-2.5 px) over a light basemap, and the legend shows them as swatches on white.
Colour difference is CIEDE2000 (ΔE00); colour blindness is simulated with Machado et al. (2009) at full
severity, as coloraide implements it.
"""

from __future__ import annotations

import itertools

import pytest
import yaml
from coloraide import Color

from .conftest import DATA


def link_colours() -> dict[str, str]:
    vocabulary = yaml.safe_load((DATA / "vocabulary.yaml").read_text(encoding="utf-8"))
    colours = {kind["id"]: kind["color"] for kind in vocabulary["relationship_types"]}
    assert len(colours) >= 2, colours
    return colours


def seen(colour: str, vision: str) -> Color:
    """The colour as a reader with that vision sees it, on an sRGB screen."""
    if vision == "normal":
        return Color(colour)
    # At severity 1 coloraide would pick Viénot's method unless asked for Machado's.
    return Color(colour).filter(vision, 1.0, method="machado").clip()


def pairs_closer_than(minimum: float, vision: str) -> list[str]:
    close = []
    for (a, colour_a), (b, colour_b) in itertools.combinations(link_colours().items(), 2):
        difference = seen(colour_a, vision).delta_e(seen(colour_b, vision), method="2000")
        if difference < minimum:
            close.append(f"{a} {colour_a} and {b} {colour_b}: ΔE00 {difference:.2f}")
    return close


def test_every_two_link_types_differ_by_delta_e_10_or_more() -> None:
    close = pairs_closer_than(10, "normal")
    assert close == [], "link colours too alike:\n" + "\n".join(close)


@pytest.mark.parametrize("vision", ["deutan", "protan"])
def test_every_two_link_types_differ_by_8_or_more_under_deuteranopia_and_protanopia(vision: str) -> None:
    close = pairs_closer_than(8, vision)
    assert close == [], f"link colours too alike under {vision} simulation:\n" + "\n".join(close)


def test_every_link_colour_stands_out_3_to_1_on_white() -> None:
    faint = []
    for kind, colour in link_colours().items():
        ratio = Color(colour).contrast("#ffffff", method="wcag21")
        if ratio < 3:
            faint.append(f"{kind} {colour}: {ratio:.2f}:1")
    assert faint == [], "link colours too faint on white:\n" + "\n".join(faint)

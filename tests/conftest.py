"""Shared fixtures: a small valid data folder to break in tests, and the project paths."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
# The browser tests' Chromium: Debian's by default; CHROMIUM=/path/to/chrome for another one, or
# CHROMIUM= (empty) for the one `python -m playwright install chromium` downloads (as on GitHub).
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


class DataDir:
    """A throwaway data/ folder: the real vocabulary plus a few records to edit (or all the real data)."""

    def __init__(self, root: Path, real: bool = False):
        self.root = root
        if real:
            shutil.copytree(DATA, root)
            return
        (root / "cities").mkdir(parents=True)
        for folder in ("networks", "programs", "sources"):
            (root / folder).mkdir()
        shutil.copy(DATA / "vocabulary.yaml", root / "vocabulary.yaml")

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def display(self, relative: str) -> str:
        return str(self.root / relative)


TAIPEI = """
name: Taipei
names: {zh-Hant: 臺北市}
country: TW
coordinates: [25.0531, 121.5264]
relationships:
  - with: houston
    type: sister
    signed: 1961-06-15
    sources: [taipei-gov]
memberships:
  - {network: citynet, since: 1987, sources: [taipei-gov]}
"""
HOUSTON = """
name: Houston
country: US
coordinates: [29.7633, -95.3633]
"""
SOURCE = """
title: Taipei's Sister Cities
publisher: Taipei City Government
date: 2025-11-14
url: https://english.sec.gov.taipei/
"""
NETWORK = """
name: CITYNET
sources: [taipei-gov]
"""


@pytest.fixture
def site_data(tmp_path: Path) -> DataDir:
    """A copy of the real data to add records to: the hand-written pages need its places."""
    return DataDir(tmp_path / "data", real=True)


@pytest.fixture
def data(tmp_path: Path) -> DataDir:
    d = DataDir(tmp_path / "data")
    d.write("cities/taipei.yaml", TAIPEI)
    d.write("cities/houston.yaml", HOUSTON)
    d.write("sources/taipei-gov.yaml", SOURCE)
    d.write("networks/citynet.yaml", NETWORK)
    return d


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once per test session with `mkdocs build --strict`."""
    from .build import mkdocs_build

    out = tmp_path_factory.mktemp("site")
    result = mkdocs_build(out)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING" not in result.stderr, result.stderr[-3000:]
    return out


@pytest.fixture(scope="session")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real site, built with site_url set to a local server (so instant navigation is used), served."""
    from .browser import free_port, serve
    from .build import mkdocs_build

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    out = tmp_path_factory.mktemp("served-site")
    result = mkdocs_build(out, site_url=url)
    assert result.returncode == 0, result.stderr[-3000:]
    with serve(out, port) as served:
        assert served == url
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium through Playwright, one for the session."""
    from .browser import chromium

    with chromium() as b:
        yield b


@pytest.fixture(scope="session")
def atlas():
    """The real data, loaded and checked once."""
    from macros.validate import load

    loaded, _ = load(DATA)
    assert loaded is not None
    return loaded

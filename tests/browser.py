"""Browser-test harness: a static server on localhost and Chromium (Debian's) through Playwright.

Every request is recorded; anything not on the local server is aborted (map tiles
are expected and kept apart), and console errors are collected.
"""

from __future__ import annotations

import functools
import http.server
import json
import socket
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

from .conftest import CHROMIUM

TILE_HOST = "tile.openstreetmap.org"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update",
]
needs_chromium = pytest.mark.skipif(bool(CHROMIUM) and not Path(CHROMIUM).exists(),
                                    reason=f"no Chromium at {CHROMIUM}: run `make browser` (see CHROMIUM in tests/conftest.py)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that leaves a page stops reading what it asked for (a map's data): no traceback."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@contextmanager
def serve(folder: Path, port: int = 0) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = _Server(("127.0.0.1", port), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM or None, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Visit:
    """One browser tab that records what it asks for and what goes wrong."""

    def __init__(self, browser: object, base: str, viewport: tuple[int, int] = (1280, 900), touch: bool = False,
                 color_scheme: str = "light"):
        self.base = base
        self.requests: list[str] = []
        self.context = browser.new_context(  # type: ignore[attr-defined]
            viewport={"width": viewport[0], "height": viewport[1]}, is_mobile=touch, has_touch=touch, color_scheme=color_scheme)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.tiles: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        self.page.route("**/*", self._route)

    def _route(self, route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        self.requests.append(url)
        if url.startswith(self.base):
            route.continue_()  # type: ignore[attr-defined]
        elif urlsplit(url).hostname == TILE_HOST:
            self.tiles.append(url)
            route.abort()  # type: ignore[attr-defined]
        else:
            self.foreign.append(url)
            route.abort()  # type: ignore[attr-defined]

    def _console(self, message: object) -> None:
        kind = message.type  # type: ignore[attr-defined]
        if kind not in ("error", "warning"):
            return
        source = (message.location or {}).get("url", "")  # type: ignore[attr-defined]
        if kind == "error" and urlsplit(source).hostname == TILE_HOST:
            return  # the aborted tiles: expected, the tests run offline
        self.errors.append(f"{kind}: {message.text} ({source})")  # type: ignore[attr-defined]

    def wait_map(self, map_id: str) -> None:
        """Bring the map into view, as a reader does (maps are drawn when they come near), and wait
        until the map in the page now (not one an instant navigation swapped out) is drawn."""
        self.page.wait_for_function("""(id) => {
            const element = document.getElementById(id);
            if (!element) return false;
            element.scrollIntoView({block: "nearest"});
            return window.atlasMaps && window.atlasMaps[id] && window.atlasMaps[id].element === element;
        }""", arg=map_id)

    def open(self, path: str, map_id: str) -> object:
        """Go to a page of the served folder and wait for one of its maps."""
        self.page.goto(self.base + path)
        self.wait_map(map_id)
        return self.page.evaluate_handle(f"window.atlasMaps[{json.dumps(map_id)}]")

    def map(self, map_id: str, expression: str) -> object:
        return self.page.evaluate(f"(() => {{ const m = window.atlasMaps[{json.dumps(map_id)}]; return {expression}; }})()")

    def place_position(self, map_id: str, pid: str) -> dict:
        """Where the place is drawn on the page, in CSS pixels."""
        return self.map(map_id, f"""(() => {{
            const layer = m.points.getLayers().find(l => l.feature.id === {json.dumps(pid)});
            const p = m.map.latLngToContainerPoint(layer.getLatLng()), box = m.element.getBoundingClientRect();
            return {{x: box.left + p.x, y: box.top + p.y}}; }})()""")

    def hover(self, position: dict) -> None:
        """Bring the pointer to a point from just beside it: a map's canvas finds what is under a moving pointer."""
        self.page.mouse.move(position["x"] - 4, position["y"] - 4)
        self.page.wait_for_timeout(50)
        self.page.mouse.move(position["x"], position["y"], steps=4)

    def hover_place(self, map_id: str, pid: str) -> None:
        self.hover(self.place_position(map_id, pid))

    def click_place(self, map_id: str, pid: str) -> None:
        position = self.place_position(map_id, pid)
        self.page.mouse.click(position["x"], position["y"])

    def arc_point(self, map_id: str, j: int, at: float = 0.5) -> dict:
        """A point of the j-th arc of the map, in CSS pixels."""
        return self.map(map_id, f"""(() => {{
            const points = m.arcs[{j}].latLngs();
            const p = m.map.latLngToContainerPoint(points[Math.floor((points.length - 1) * {at})]);
            const box = m.element.getBoundingClientRect();
            return {{x: box.left + p.x, y: box.top + p.y}}; }})()""")

    def check_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.foreign == []
        assert all(urlsplit(u).hostname == TILE_HOST for u in self.tiles)
        assert self.page.evaluate("window.__xss") is None

    def close(self) -> None:
        self.context.close()

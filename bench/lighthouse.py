"""Lighthouse (mobile preset) on the built site, served locally with gzip as GitHub Pages serves it.

    python bench/lighthouse.py [SITE_DIR]

Builds the site into bench/out/lighthouse-site (unless SITE_DIR is given), serves it, and runs
npm's lighthouse (installed by `make setup`) with Debian's Chromium on the home page, Taipei's
and Kaohsiung's pages, a network page (CITYNET) and the world map. Prints performance and accessibility scores, LCP, TBT
and CLS. Figures, not pass/fail. Map tiles come from a local stand-in for the tile host (bench/tiles.py), as they
come to readers online; the map pages are scored once more offline, where the maps draw the country outlines.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ENV, OUT, ROOT  # noqa: E402
from tiles import tile_server  # noqa: E402

PAGES = ["", "cities/taipei/", "cities/kaohsiung/", "networks/citynet/", "map/"]
OFFLINE = ["cities/taipei/", "map/"]  # no tiles: the outlines are drawn
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
COMPRESSED = {".html", ".css", ".js", ".json", ".geojson", ".xml", ".svg"}


class _Gzipped(SimpleHTTPRequestHandler):
    """Files as a static host serves them: compressed when the browser asks for it."""

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in COMPRESSED or "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)

    def log_message(self, *args: object) -> None:
        pass


class _Body:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, *_: object) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def score(url: str, flags: list[str]) -> dict:
    report = OUT / "lighthouse.json"
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROMIUM") or "/usr/bin/chromium")
    chrome = " ".join(["--headless=new", "--no-sandbox"] + [flag.replace("=", '="', 1) + '"' if " " in flag else flag for flag in flags])
    subprocess.run([str(LIGHTHOUSE), url, "--quiet", f"--chrome-flags={chrome}",
                    "--only-categories=performance,accessibility", "--output=json", f"--output-path={report}"],
                   env=env, check=True, timeout=300)
    data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    return {"performance": round(data["categories"]["performance"]["score"] * 100),
            "accessibility": round(data["categories"]["accessibility"]["score"] * 100),
            **{name: audits[key]["displayValue"] for name, key in
               (("LCP", "largest-contentful-paint"), ("TBT", "total-blocking-time"), ("CLS", "cumulative-layout-shift"))}}


def main() -> None:
    if not LIGHTHOUSE.exists():
        print("lighthouse is not installed: run `make setup`")
        return
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Gzipped, directory=""))
    base = f"http://127.0.0.1:{server.server_port}/"
    site = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT / "lighthouse-site"
    if len(sys.argv) <= 1:
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)], cwd=ROOT, check=True,
                       env=dict(ENV, ATLAS_SITE_URL=base))
    server.RequestHandlerClass = partial(_Gzipped, directory=str(site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("\nLighthouse, mobile preset (served with gzip)")
    print("page | performance | accessibility | LCP | TBT | CLS")
    with tile_server() as online:
        for page in PAGES:
            row = score(base + page, online)
            print(f"/{page} | " + " | ".join(str(v) for v in row.values()), flush=True)
    for page in OFFLINE:
        row = score(base + page, [])
        print(f"/{page} offline | " + " | ".join(str(v) for v in row.values()), flush=True)
    server.shutdown()


if __name__ == "__main__":
    main()

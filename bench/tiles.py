"""A stand-in for the map tile host, so that benchmarks load map pages as readers online do:
Leaflet draws tiles (of about a real tile's size) and never the outlines it draws offline.

    with tile_server() as flags: ...   # Chromium flags that send tile.openstreetmap.org here (HTTPS)
    TILE                               # the bytes of the one tile served for every address
"""

from __future__ import annotations

import contextlib
import random
import ssl
import struct
import subprocess
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

HOST = "tile.openstreetmap.org"
OUT = Path(__file__).resolve().parent / "out"


def _png(width: int, height: int, rows: list[bytes]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    raw = b"".join(b"\x00" + row for row in rows)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def _tile() -> bytes:
    """256 x 256 px of light, uneven 4 px blocks: about as many bytes as a real map tile."""
    pick = random.Random(7)
    blocks = [[bytes(max(0, c - pick.randrange(24)) for c in (242, 239, 233)) for _ in range(64)] for _ in range(64)]
    rows = [b"".join(block * 4 for block in blocks[y // 4]) for y in range(256)]
    return _png(256, 256, rows)


TILE = _tile()


class _Tiles(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(TILE)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(TILE)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def tile_server() -> Iterator[list[str]]:
    """Serve TILE over HTTPS (a throwaway self-signed certificate); yields the Chromium flags that
    resolve the tile host to it and accept its certificate."""
    OUT.mkdir(parents=True, exist_ok=True)
    cert, key = OUT / "tile-cert.pem", OUT / "tile-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}"],
                   check=True, capture_output=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tiles)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield [f"--host-resolver-rules=MAP {HOST} 127.0.0.1:{server.server_port}", "--ignore-certificate-errors"]
    finally:
        server.shutdown()

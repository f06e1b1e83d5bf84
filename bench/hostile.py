"""Worst-case data: how long `atlas check` and a build take on files written to be slow.

    python bench/hostile.py

Each case is the real data plus one file of at most 512 KiB (the loader's limit) holding
the worst text of its kind. It prints, per case, the check's seconds, exit status and
peak memory, and, where the check accepts the file, the build's. Figures, not pass/fail.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ENV, OUT, ROOT, timed  # noqa: E402

LIMIT = 512 * 1024 - 200  # room for the record around the text
PLACE = "name: Worst\ncountry: TW\ncoordinates: [25.0, 121.5]\n"
MEMBERSHIP = "  - {network: citynet, sources: [{title: X, url: 'https://example.org/'}]}\n"


def summary(unit: str) -> str:
    return PLACE + f"summary: {json.dumps(unit * (LIMIT // len(unit)))}\n"


CASES = {
    "summary of '['": summary("["),
    "summary of '!['": summary("!["),
    "summary of '*a'": summary("*a"),
    "summary of '&#1;'": summary("&#1;"),
    "summary of '- ' (nested lists)": PLACE + "summary: |\n" + "".join("  " + "  " * i + "- a\n" for i in range(600)),
    "10,000 memberships, all the same": PLACE + "memberships:\n" + MEMBERSHIP * ((LIMIT - 200) // len(MEMBERSHIP)),
    "a 5,000-digit integer": PLACE.replace("name: Worst", "name: Worst\npopulation: " + "9" * 5000),
    "nested 10,000 deep": PLACE + "summary: " + "[" * 10000 + "]" * 10000 + "\n",
    "lists 7 deep, over and over (accepted)": PLACE + "summary: |\n" + (
        "".join("  " + "  " * i + "- a\n" for i in range(7)) * (LIMIT // 100)),
    "U+FFFE in the name": PLACE.replace("name: Worst", 'name: "Worst\\uFFFE"'),
}


def main() -> None:
    env = dict(ENV, PYTHONPATH=str(ROOT))
    bin_dir = Path(sys.executable).parent
    print(f"{'case':36} {'check s':>8} {'exit':>5} {'MiB':>6} {'build s':>8} {'MiB':>6}")
    for name, text in CASES.items():
        work = OUT / "hostile"
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(ROOT / "data", work / "data")
        (work / "data" / "cities" / "worst.yaml").write_text(text, encoding="utf-8")
        log: list[str] = []
        check_s, mib = timed([str(bin_dir / "atlas"), "check", str(work / "data")], env, log=log)
        lines = log[-1].strip().splitlines() or ["?"]  # the summary line: "0 errors, ..." when it passes
        status = 0 if lines[-1].startswith("0 errors") else 1
        row = f"{name:36} {check_s:8.2f} {status:5d} {mib:6.0f}"
        if status == 0:
            build_env = dict(env, ATLAS_DATA=str(work / "data"))
            build_s, build_mib = timed([str(bin_dir / "mkdocs"), "build", "--strict", "--site-dir", str(work / "site")],
                                       build_env)
            row += f" {build_s:8.2f} {build_mib:6.0f}"
        print(row, flush=True)
        if os.environ.get("BENCH_KEEP") is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

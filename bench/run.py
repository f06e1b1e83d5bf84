"""The benchmark: atlas builds against plain MkDocs builds of the same number of pages.

    python bench/run.py [N ...]        (default: 100 1000 5000)

For each N it writes synthetic data (bench/synth.py), times `atlas check`, builds
the atlas, and builds a plain MkDocs + Material site with one static Markdown page
per place holding the same facts and links (pages out of the navigation in both).
Each build runs BENCH_REPEAT times (default 3), atlas and plain alternating, and
the fastest of each counts: this machine's speed varies from run to run. It prints a table: wall times, their
ratio, the ratio of CPU seconds, peak memory, place-page sizes and the
size of a place page's map data and of the global map's data file, then how the
atlas build's time splits (the adapter's `atlas timing` lines of `mkdocs build -v`):
loading the data, making the pages in a forked process, the maps' scripts and data,
the downloads, and how long the engine waited for any of them. Figures, not pass/fail: read them.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

# This process stays small: data generation and loading run in child processes, because
# on Linux a child's peak-memory figure starts from its parent's size at fork.
ROOT = Path(__file__).resolve().parent.parent
# The site's languages (English and mkdocs.yml's extra.atlas_languages): the atlas builds each
# place page in each, so it is also compared with that many plain builds (lang_ratio).
LANGUAGES = 1 + len(re.search(r"atlas_languages: \[([^\]]*)\]", (ROOT / "mkdocs.yml").read_text()).group(1).split(","))
OUT = ROOT / "bench" / "out"
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1700000000")


REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
REPEAT_MAP = int(os.environ.get("BENCH_MAP_REPEAT", "7"))  # loads of the global map, each way


def best(runs: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Of repeated runs: the fastest wall time, its CPU seconds, and the peak MiB of any."""
    wall, cpu, mib = min(runs)
    return wall, cpu, max(r[2] for r in runs)


def timed(args: list[str], env: dict, cwd: Path = ROOT, cpu: bool = False, log: list | None = None) -> tuple:
    """Run a command; return (wall seconds, peak resident MiB), or with cpu (wall, CPU seconds, MiB).
    With ``log``, its standard error is appended there."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read().decode() if proc.stderr else ""  # before waiting: a full pipe would block the build
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if log is not None:
        log.append(stderr)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1) or (proc.returncode and "check" not in args):
        raise SystemExit(f"{' '.join(args)} failed:\n{stderr[-2000:]}")
    if cpu:
        return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
    return wall, usage.ru_maxrss / 1024


def run(*args: str) -> None:
    subprocess.run([sys.executable, *args], cwd=ROOT, env=dict(ENV, PYTHONPATH=str(ROOT)), check=True, stdout=subprocess.DEVNULL)


def synth(n: int, out: Path, recorded: int = 2) -> Path:
    run("bench/synth.py", str(n), str(out), str(recorded))
    return out


def plain_site(data: Path, out: Path) -> Path:
    run("bench/run.py", "--plain", str(data), str(out))
    return out


def write_plain_site(data: Path, out: Path) -> Path:
    """A plain MkDocs + Material project: one static Markdown page per place, same facts."""
    sys.path.insert(0, str(ROOT))
    from macros.validate import load

    atlas, _ = load(data)
    assert atlas is not None
    docs = out / "docs"
    (docs / "cities").mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text(f"# Plain\n\n{len(atlas.places)} places.\n", encoding="utf-8")
    for pid, place in atlas.iter_places():
        lines = [f"# {place.name}", "", f"- Kind: {place.kind}", f"- Country: {place.country}",
                 f"- Population: {place.population}", f"- Coordinates: {place.coordinates[0]}, {place.coordinates[1]}", "",
                 place.summary or "", "", "## Relationships", "", "| Partner | Type | Signed | Status | Sources |", "|---|---|---|---|---|"]
        for link in atlas.links_of(pid):
            other = link.other(pid)
            sources = "; ".join(s if isinstance(s, str) else s.title for s in link.rel.sources)
            lines.append(f"| [{atlas.places[other].name}]({other}.md) | {link.rel.type} | {link.signed or ''} | {link.status} | {sources} |")
        if place.memberships:
            lines += ["", "## Networks", ""] + [f"- {m.network} since {m.since}" for m in place.memberships]
        (docs / "cities" / f"{pid}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "mkdocs.yml").write_text(
        "site_name: Plain\nsite_url: https://example.org/\ntheme:\n  name: material\n  font: false\n"
        "  features: [navigation.instant]\nplugins: [search]\nnot_in_nav: |\n  /cities/*.md\n"
        "nav:\n  - Home: index.md\n",
        encoding="utf-8",
    )
    return out


def kib(path: Path) -> float:
    return path.stat().st_size / 1024


def bench(n: int) -> dict:
    data = synth(n, OUT / f"synth-{n}")
    row: dict = {"places": n}
    row["check_s"], _ = timed([sys.executable, "-m", "macros.cli", "check", str(data)], ENV)
    atlas_site = OUT / f"site-{n}"
    env = dict(ENV, ATLAS_DATA=str(data))
    plain = plain_site(data, OUT / f"plain-{n}")
    atlas_runs, plain_runs = [], []
    stderr: list[str] = []
    for i in range(REPEAT):  # alternate, so that drifts in machine speed hit both alike
        verbosity = "-v" if i == REPEAT - 1 else "-q"  # the last run also says how its time splits
        atlas_runs.append(timed([sys.executable, "-m", "mkdocs", "build", verbosity, "-d", str(atlas_site)], env, cpu=True, log=stderr))
        plain_runs.append(timed([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(plain / "site")], ENV, plain, cpu=True))
    row["split"] = "\n".join(line.split("atlas timing: ")[1] for line in stderr[-1].splitlines() if "atlas timing: " in line)
    row["atlas_s"], row["atlas_cpu"], row["atlas_mib"] = best(atlas_runs)
    row["plain_s"], row["plain_cpu"], row["plain_mib"] = best(plain_runs)
    sizes = [kib(p) for p in (atlas_site / "cities").glob("*/index.html")]
    row["page_kib_median"] = statistics.median(sizes)
    row["page_kib_max"] = max(sizes)
    # A place page's map: its data file beside it (the kind's script is shared and cached).
    row["map_kib_median"] = statistics.median(kib(p) for p in (atlas_site / "cities").glob("*/map.geojson"))
    row["links"] = sum(1 for _ in open(atlas_site / "downloads" / "links.csv")) - 1
    row["map_data_kib"] = kib(atlas_site / "map" / "map.geojson")
    row["site_mib"] = sum(p.stat().st_size for p in atlas_site.rglob("*") if p.is_file()) / 2**20
    return row


def map_ready(n: int, recorded: int) -> dict:
    """Build an atlas of n places with about n × recorded links and time the global map in Chromium."""
    sys.path.insert(0, str(ROOT))
    from tests.browser import chromium, free_port, serve

    data = synth(n, OUT / f"synth-{n}-map", recorded)
    site = OUT / f"site-{n}-map"
    port = free_port()
    env = dict(ENV, ATLAS_DATA=str(data), ATLAS_SITE_URL=f"http://127.0.0.1:{port}/")
    timed([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)], env)
    row = {"places": n, "links": sum(1 for _ in open(site / "downloads" / "links.csv")) - 1,
           "data_kib": kib(site / "map" / "map.geojson"),
           "page_kib": kib(site / "map" / "index.html")}
    with serve(site, port) as base, chromium() as browser:
        for online in (True, False):
            times = [_ready_ms(browser, base, online) for _ in range(REPEAT_MAP)]
            where = "" if online else "offline_"
            row[f"{where}interactive_ms_median"] = statistics.median(t for t, _ in times)
            row[f"{where}clicked_ms_median"] = statistics.median(c for _, c in times)
    return row


# In the page: the moment the global map is drawn and the page next answers (a frame is painted and
# the main thread is free), by the page's clock, from navigation start.
_INTERACTIVE = """
new MutationObserver(function (changes, observer) {
  var map = document.getElementById("map-global");
  if (!map || map.getAttribute("data-atlas-state") !== "ready") return;
  observer.disconnect();
  requestAnimationFrame(function () { setTimeout(function () { window.__interactive = performance.now(); }); });
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-atlas-state"]});
"""


def _ready_ms(browser: object, base: str, online: bool) -> tuple[float, float]:
    """The global map from navigation: (interactive, by the page's clock; a click on its legend
    answered, as the test driver sees it). Online, the tile host answers (bench/tiles.py), as for
    readers; offline, it cannot be reached and the map draws the country outlines."""
    from tiles import HOST, TILE

    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.add_init_script(_INTERACTIVE)
    if online:
        page.route(f"https://{HOST}/**", lambda route: route.fulfill(body=TILE, content_type="image/png"))
    else:
        page.route(f"https://{HOST}/**", lambda route: route.abort())
    start = time.perf_counter()
    page.goto(base + "map/", wait_until="commit")
    legend = page.locator("#map-global[data-atlas-state=ready] .atlas-legend-title")
    legend.click()
    clicked = (time.perf_counter() - start) * 1000
    if legend.get_attribute("aria-expanded") != "false":  # it starts open at this width: the click folds it
        raise RuntimeError("the global map's legend did not answer the click")
    page.wait_for_function("window.__interactive !== undefined")
    interactive = page.evaluate("window.__interactive")
    context.close()
    return interactive, clicked


def main() -> None:
    if sys.argv[1:2] == ["--plain"]:
        write_plain_site(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    sizes = [int(a) for a in sys.argv[1:]] or [100, 1000, 5000]
    cols = ["places", "links", "check_s", "atlas_s", "plain_s", "ratio", "lang_ratio", "cpu_ratio", "atlas_mib", "plain_mib", "page_kib_median", "page_kib_max", "map_kib_median", "map_data_kib", "site_mib"]
    print(" | ".join(cols))
    rows = []
    for n in sizes:
        row = bench(n)
        rows.append(row)
        row["ratio"] = row["atlas_s"] / row["plain_s"]
        row["lang_ratio"] = row["atlas_s"] / (LANGUAGES * row["plain_s"])
        row["cpu_ratio"] = row["atlas_cpu"] / row["plain_cpu"]
        print(" | ".join(f"{row[c]:.2f}" if isinstance(row[c], float) else str(row[c]) for c in cols), flush=True)
    for row in rows:
        print(f"\nhow the atlas build of {row['places']} places splits (its last run, `mkdocs build -v`):\n{row['split']}")
    if os.environ.get("BENCH_MAP", "1") != "0":
        print(f"\nglobal map in headless Chromium, median of {REPEAT_MAP} (interactive: from navigation start until the map is drawn"
              " and the page next answers, by the page's clock; clicked: until a click on its legend has answered, as the"
              " test driver sees it; online: the tile host answers)")
        row = map_ready(5000, 4)
        print(" | ".join(row))
        print(" | ".join(f"{v:.1f}" if isinstance(v, float) else str(v) for v in row.values()), flush=True)


if __name__ == "__main__":
    main()

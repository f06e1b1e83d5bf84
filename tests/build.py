"""Real `mkdocs build --strict` runs in a subprocess, shared by the build and browser tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

from .conftest import ROOT


def mkdocs_build(site_dir: Path, data_dir: Optional[Path] = None, config: Path = ROOT / "mkdocs.yml",
                 site_url: Optional[str] = None, tmp: Optional[Path] = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
    if tmp is not None:  # the build's temporary files go here (TMPDIR), apart from other builds'
        env["TMPDIR"] = str(tmp)
    if data_dir is not None:
        env["ATLAS_DATA"] = str(data_dir)
    args = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir", str(site_dir)]
    if site_url:
        env["ATLAS_SITE_URL"] = site_url
    return subprocess.run(args, cwd=config.parent, env=env, capture_output=True, text=True, timeout=600)


def project_copy(folder: Path) -> Path:
    """A copy of the project (its own content/ to change), sharing node_modules; returns its mkdocs.yml."""
    project = folder / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".venv", "site", "node_modules", ".git", "bench", "tests"))
    (project / "node_modules").symlink_to(ROOT / "node_modules")
    return project / "mkdocs.yml"

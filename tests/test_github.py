"""The GitHub side: workflows (actionlint), issue forms and the pull-request template."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT

GITHUB = ROOT / ".github"
CONTRIBUTE_PAGE = "https://city-diplomacy-atlas.github.io/atlas/contributing/"


def test_workflows_pass_actionlint() -> None:
    actionlint = Path(sys.executable).parent / "actionlint"
    workflows = sorted(str(p) for p in (GITHUB / "workflows").glob("*.yml"))
    assert workflows
    # shellcheck and pyflakes only when installed would make the result depend on the machine: off.
    result = subprocess.run([str(actionlint), "-shellcheck=", "-pyflakes=", "-no-color", *workflows],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["addition.yml", "correction.yml"])
def test_issue_form_asks_for_places_and_a_required_source_url(name: str) -> None:
    form = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / name).read_text(encoding="utf-8"))
    assert form["name"] and form["description"]
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    assert len(fields) == sum("id" in item for item in form["body"]), "ids must be unique"
    assert all(item["type"] in {"markdown", "input", "textarea", "dropdown", "checkboxes"} for item in form["body"])
    assert fields["places"]["validations"]["required"] is True
    source = fields["source-url"]
    assert source["type"] == "input" and "URL" in source["attributes"]["label"]
    assert source["validations"]["required"] is True


def test_blank_issues_are_off_and_point_to_the_contribute_page() -> None:
    config = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / "config.yml").read_text(encoding="utf-8"))
    assert config["blank_issues_enabled"] is False
    assert [link["url"] for link in config["contact_links"]] == [CONTRIBUTE_PAGE]


def test_pull_request_template_has_the_checklist() -> None:
    template = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    for item in ("source", "make check", "atlas fmt", "own words", "guessed"):
        assert item in template
    assert template.count("- [ ]") >= 5

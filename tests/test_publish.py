"""Publishing: licences, citation, the edition in every page, deployment.

- ``CITATION.cff`` is valid against the Citation File Format 1.2.0 schema (the schema
  file in ``tests/reference/`` is the one the cffconvert 2.0.0 wheel ships) and agrees
  with ``pyproject.toml`` (version), ``_config.yml`` (repository) and the intro's BibTeX.
- Both licences are at the root and named in the README.
- Every built page shows the version, the date and the licences in its footer.
- The CI workflow builds with the README's command and uploads ``_build/html``.
- ``make publish DEST=...`` gives a site that passes the browser check served from a
  sub-path (``/optbook/``), as a course's own server would host it.
"""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml
from test_site import HTML, check_page, pages, serve

ROOT = Path(__file__).resolve().parents[1]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_citation_file_is_valid_and_agrees_with_the_book():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    schema = json.loads((ROOT / "tests/reference/citation-cff-1.2.0.schema.json").read_text())
    jsonschema.Draft7Validator(schema).validate(citation)
    assert citation["version"] == VERSION
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert citation["repository-code"] == config["repository"]["url"]
    bibtex = re.search(r"```bibtex\n(.*?)```", (ROOT / "book/intro.md").read_text(), re.S)
    assert bibtex, "the intro page has no BibTeX entry"
    assert f"version = {{{VERSION}}}" in bibtex.group(1)
    assert citation["repository-code"] in bibtex.group(1)
    assert citation["title"] in bibtex.group(1)


def test_a_broken_citation_file_is_refused():
    schema = json.loads((ROOT / "tests/reference/citation-cff-1.2.0.schema.json").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema).validate({"cff-version": "1.2.0", "title": "x"})


def test_licences_are_at_the_root_and_named_in_the_readme():
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "CC BY 4.0" in (ROOT / "LICENSE-CONTENT.md").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "LICENSE" in readme and "LICENSE-CONTENT.md" in readme
    for vendored in ("_vendor/mathjax/LICENSE", "_vendor/html-manager/embed.js.LICENSE.txt"):
        assert (ROOT / vendored).stat().st_size > 100, vendored
    assert f"## {VERSION} " in (ROOT / "CHANGELOG.md").read_text()


def test_the_workflow_builds_with_the_readme_command():
    workflow = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    assert runs == ["make book"], runs
    assert "make book" in (ROOT / "README.md").read_text()
    upload = [s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert upload and upload[0]["with"]["path"] == "_build/html"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in deploy["steps"])


def test_every_page_shows_the_edition_and_the_licences(site):
    for name in pages():
        page = (HTML / name).read_text()
        footer = re.search(r'<p class="optbook-edition">(.*?)</p>', page, re.S)
        assert footer, f"{name} has no edition footer"
        assert re.search(rf"Version {re.escape(VERSION)}, \d{{4}}-\d{{2}}-\d{{2}}\.", footer[1])
        assert "CC BY 4.0" in footer[1] and "MIT" in footer[1], name


@pytest.fixture(scope="module")
def published(tmp_path_factory, site):
    """``make publish`` into <tmp>/optbook, the tmp folder served on localhost."""
    root = tmp_path_factory.mktemp("server")
    done = subprocess.run(
        ["make", "publish", f"DEST={root / 'optbook'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    with serve(root) as url:
        yield f"{url}/optbook", root / "shots"


@pytest.mark.parametrize("name", pages())
def test_published_site_reads_well_from_a_sub_path(browser, published, name):
    url, shots = published
    shots.mkdir(exist_ok=True)
    check_page(browser, url, name, shots)

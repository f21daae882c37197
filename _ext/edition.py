"""A Sphinx extension for the book: the edition (version and date) and the licences
in every page's footer.

The version has one home, ``pyproject.toml``; the date is that of the commit built
(today's when the tree is not a git checkout), so a rebuild of the same commit gives
the same pages.
"""

import datetime
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def edition():
    """(version, date) of the book being built."""
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    try:
        date = subprocess.run(
            ["git", "log", "-1", "--format=%cs"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        date = ""
    return version, date or datetime.date.today().isoformat()


def _footer(app, config):
    version, date = edition()
    config.version = config.release = version
    config.html_theme_options = dict(config.html_theme_options or {})
    config.html_theme_options["extra_footer"] = (
        f'<p class="optbook-edition">Version {version}, {date}. Text, figures and '
        'notebooks: <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>; '
        "code: MIT.</p>"
    )


def setup(app):
    app.connect("config-inited", _footer)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

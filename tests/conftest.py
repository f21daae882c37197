"""pytest configuration for the test suite."""

# The recorders run by hand in their own environments (torch; jax, optax and Keras), see
# their docstrings; they are not test modules and the book's environment has none of
# those libraries, so doctest collection must not import them.
collect_ignore = ["reference/record.py", "reference/record_optax_keras.py"]


# One build of the site and one browser for every module that checks pages
# (test_site, test_publish): the fixtures live here so they are shared.
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from test_site import CHROMIUM, CHROMIUM_ARGS, HTML, ROOT, SHOTS, serve  # noqa: E402


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for every module that opens pages: the site's, the PDF's
    and JupyterLab's (Playwright's sync API allows one running instance per process)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Chromium is not installed, so pages cannot be checked in a browser. "
            "Install Debian's chromium (apt-get install chromium); .ci/run does this.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site(chromium):
    """Build the book once, then serve it on a free localhost port."""
    build = subprocess.run(
        [
            str(Path(sys.executable).parent / "jupyter-book"),
            "build",
            str(ROOT),
            "--warningiserror",
            "--nitpick",
            "--keep-going",
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ, OPTBOOK_EXPLORER_POINTS="3"),  # nbval checks 64 (../conftest.py)
    )
    assert build.returncode == 0, (
        f"the book build failed:\n{build.stdout[-4000:]}\n{build.stderr[-2000:]}"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serve(HTML) as url:
        yield url


@pytest.fixture(scope="session")
def browser(site, chromium):
    """The browser, once the site is built and served."""
    return chromium

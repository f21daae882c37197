"""pytest configuration shared by the tests and the notebooks (nbval).

Every explorer checks, when a chapter runs, that its precomputed grid (the web view)
equals live runs (the Jupyter view). The build checks a few grid points; the test suite
checks up to 64 per explorer when nbval runs the chapters (their kernels inherit this
variable). The site build and JupyterLab in the suite check the build's few: they set
the variable to 3 for their processes (the course kit's runs inherit 64).
"""

import os

import pytest

os.environ.setdefault("OPTBOOK_EXPLORER_POINTS", "64")

# `make check` runs the quick tests while you work: all but those that run the chapters
# in kernels (nbval, the course kit) or open pages in a browser (the site, JupyterLab,
# the PDF). They are marked `slow` here, from the fixtures they use; `make test` runs all.
KERNEL_OR_BROWSER = {"site", "browser", "chromium", "lab", "kit"}


def pytest_collection_modifyitems(items):
    for item in items:
        uses = set(getattr(item, "fixturenames", ()))
        if item.path.suffix == ".ipynb" or uses & KERNEL_OR_BROWSER:
            item.add_marker(pytest.mark.slow)

"""pytest configuration shared by the tests and the notebooks (nbval).

Every explorer checks, when a chapter runs, that its precomputed grid (the web view)
equals live runs (the Jupyter view). The build checks a few grid points; the test suite
checks up to 64 per explorer when nbval runs the chapters (their kernels inherit this
variable). The suite's other runs of the chapters (the site build, JupyterLab, the
course kit) check the build's few: they set the variable to 3 for their processes.
"""

import os

os.environ.setdefault("OPTBOOK_EXPLORER_POINTS", "64")

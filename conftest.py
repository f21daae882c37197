"""pytest configuration shared by the tests and the notebooks (nbval).

Every explorer checks, when a chapter runs, that its precomputed grid (the web view)
equals live runs (the Jupyter view). The build checks a few grid points; the test suite
checks up to 64 per explorer (the notebooks' kernels inherit this variable).
"""

import os

os.environ.setdefault("OPTBOOK_EXPLORER_POINTS", "64")

"""A Sphinx extension for the book: the chapters run two (or more) at a time.

The site executes every chapter inline (MyST-NB runs a chapter's kernel while Sphinx
reads it, so the prose's {eval} numbers are the chapter's own). Executing the chapters is
nearly all of a build's time, and one kernel uses one core. Sphinx can read documents in
parallel worker processes (``sphinx-build -j N``); ``jupyter-book build`` has no such
option, so this extension sets it: one more worker than the machine gives this process
cores, at most 4 (the environment variable ``OPTBOOK_JOBS`` overrides it; ``1`` reads
serially as before). Each worker reads its documents (and so runs their kernels) in a
forked process; Sphinx merges what they found into one environment before writing, and
the pages are the same as a serial build's.

Two adjustments make the parallel read happen and pay off:

- Two extensions Jupyter Book adds do not declare whether they are safe for parallel
  reading, so Sphinx would warn (an error under ``--warningiserror``) and read serially.
  Both are safe, and are declared so here (any other undeclared extension still stops
  the build with Sphinx's warning): ``sphinx_multitoc_numbering`` only replaces how
  section numbers are assigned, which Sphinx does in the main process after the
  workers' results are merged; ``sphinx_jupyterbook_latex`` adds two transforms that
  only annotate the document being read (and do nothing else unless building LaTeX).
- Sphinx gives each worker a fixed slice of the alphabetical list of documents (for 17
  documents and 2 workers: 8, 8 and 1), so one worker may get most of the slow chapters
  while the other idles. Here each document is its own task: a worker that finishes
  takes the next document.
"""

import json
import os
import time
from pathlib import Path

import sphinx.builders
from sphinx.util import logging

_make_chunks = sphinx.builders.make_chunks
_read_started = []
logger = logging.getLogger(__name__)


def jobs():
    """The number of documents read at a time."""
    if os.environ.get("OPTBOOK_JOBS"):
        return max(1, int(os.environ["OPTBOOK_JOBS"]))
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    # one more than the cores: a worker's Sphinx process and its kernel take turns, so
    # one worker per core leaves gaps (2 cores: 124 s with 2 workers, 111 s with 3)
    return min(cores + 1, 4)


def _one_document_per_task(arguments, nproc, maxbatch=10):
    return [[name] for name in arguments]


# extensions that do not say whether they are parallel-read safe, and are (see above)
SAFE_UNDECLARED = ("sphinx_multitoc_numbering", "sphinx_jupyterbook_latex")


def _before_read(app, env, docnames):
    for name in SAFE_UNDECLARED:
        extension = app.extensions.get(name)
        if extension is not None and extension.parallel_read_safe is None:
            extension.parallel_read_safe = True
    sphinx.builders.make_chunks = _one_document_per_task
    _read_started[:] = [time.perf_counter(), list(docnames)]


def _after_read(app, env):
    sphinx.builders.make_chunks = _make_chunks  # writing keeps Sphinx's own batches
    if not _read_started:
        return
    from myst_nb.sphinx_ import NbMetadataCollector

    started, names = _read_started
    wall = time.perf_counter() - started
    runtimes = {}
    for name in names:
        data = NbMetadataCollector.get_exec_data(env, name)
        if data and data.get("runtime") is not None:
            runtimes[name] = round(data["runtime"], 2)
    report = {
        "documents_read": len(names),
        "workers": app.parallel,
        "read_wall_s": round(wall, 1),
        "notebook_runtimes_s": runtimes,  # the notebooks this build executed
    }
    # the time budget of a clean build (issue 16) is the reading, that is the execution,
    # of every chapter: measured here on every build that executes one, and kept beside
    # the site (a build that executes nothing, such as the tests' rebuild of an unchanged
    # book, keeps the last report)
    if runtimes:
        report_path = Path(app.outdir).parent / "execution.json"
        report_path.write_text(json.dumps(report, indent=1) + "\n")
    logger.info(
        f"read {len(names)} documents in {wall:.1f} s with {app.parallel} workers, "
        f"executing {len(runtimes)} notebooks; their runtimes sum to {sum(runtimes.values()):.1f} s"
    )


def setup(app):
    if app.parallel <= 1:  # an explicit `sphinx-build -j N` wins
        app.parallel = jobs()
    app.connect("env-before-read-docs", _before_read)
    app.connect("env-updated", _after_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

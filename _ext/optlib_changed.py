"""A Sphinx extension for the book: a change to ``optlib`` re-runs every chapter.

Sphinx re-reads (and so MyST-NB re-executes) only the documents whose source changed.
The chapters' outputs and prose numbers also depend on ``optlib``: after an edit there,
an incremental ``make book`` would keep numbers the new code no longer computes. This
extension keeps a digest of ``optlib``'s source files in the build environment and,
when it differs from the last build's, marks every notebook outdated.
"""

import hashlib
from pathlib import Path

OPTLIB = Path(__file__).resolve().parents[1] / "optlib"


def digest():
    """SHA-256 of optlib's Python files (their paths and contents)."""
    h = hashlib.sha256()
    for path in sorted(OPTLIB.rglob("*.py")):
        h.update(str(path.relative_to(OPTLIB)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _outdated(app, env, added, changed, removed):
    now = digest()
    before = getattr(env, "optbook_optlib_digest", None)
    env.optbook_optlib_digest = now
    if before == now:
        return []
    # changed, or not known (a fresh build reads every document anyway)
    return [name for name in env.found_docs if str(env.doc2path(name)).endswith(".ipynb")]


def setup(app):
    app.connect("env-get-outdated", _outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}

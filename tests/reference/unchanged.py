"""A recorder never silently changes a recorded fixture: shared by record.py (torch) and
record_optax_keras.py (optax, Keras), which run in their own environments (numpy only)."""

import sys

import numpy as np


def changed_runs(runs, path):
    """The arrays of an earlier recording at ``path`` that ``runs`` would change."""
    if not path.exists():
        return []
    old = np.load(path)
    return [
        name for name in old.files if name not in runs or not np.array_equal(old[name], runs[name])
    ]


def refuse_changes(changed, replace):
    """Stop before writing if recorded arrays would change, unless ``--replace``."""
    if changed and not replace:
        sys.exit(f"not written: these recorded arrays would change: {changed} (--replace)")

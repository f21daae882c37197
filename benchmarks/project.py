"""Time a clean build of the book and the full test suite, from a fresh clone.

    python3 -m benchmarks.project            # from the repository root; needs no torch

Clones the committed HEAD into a temporary directory and times ``make setup``
(creating .venv from the pinned requirements), then ``make book`` and, after
``make clean`` (so that the test suite's site build starts from nothing too),
``make test`` there. The timings are merged into ``benchmarks/results/results.json`` under
``"project"``. Targets: a clean build < 120 s, the test suite < 5 minutes.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "results.json"
TARGETS = {"make setup": None, "make book": 120.0, "make clean": None, "make test": 300.0}


def main():
    rows = []
    with tempfile.TemporaryDirectory(prefix="optbook-clone-") as tmp:
        clone = pathlib.Path(tmp) / "book"
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        for command, target in TARGETS.items():
            start = time.perf_counter()
            done = subprocess.run(command.split(), cwd=clone, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            print(f"{command}: {seconds:.0f} s, exit status {done.returncode}", flush=True)
            if done.returncode:
                print(done.stdout[-3000:], done.stderr[-3000:])
            if target is not None:
                rows.append(
                    {
                        "command": command,
                        "seconds": seconds,
                        "target_s": target,
                        "exit_status": done.returncode,
                        "commit": commit,
                        "tail": done.stdout.strip().splitlines()[-1:] if done.stdout else [],
                    }
                )
    results = json.loads(RESULTS.read_text())
    results["project"] = rows
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print(f"merged into {RESULTS}")


if __name__ == "__main__":
    main()

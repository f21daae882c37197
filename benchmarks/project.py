"""Time a clean build of the book and the full test suite, from a fresh clone.

    python3 -m benchmarks.project            # from the repository root; needs no torch

Clones the committed HEAD into a temporary directory and times ``make setup``
(creating .venv from the pinned requirements), then ``make book``, ``make check``,
``make student`` (the course kit) and, after ``make clean`` (so that the test suite's
site build starts from nothing too), ``make test`` there. The timings are merged into
``benchmarks/results/results.json`` under ``"project"``. Budgets: a clean build executes
the chapters in at most 90 s (its read phase, which ``_build/execution.json`` reports),
and ``make test`` takes at most 4 minutes.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "results.json"
TARGETS = {
    "make setup": None,
    "make book": None,
    "make check": None,
    "make student": None,
    "make clean": None,
    "make test": 240.0,
}
EXECUTION_BUDGET = 90.0  # seconds for a clean build to execute every chapter


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
            if command == "make book" and not done.returncode:
                executed = json.loads((clone / "_build" / "execution.json").read_text())
                rows.append(
                    {
                        "command": "make book: executing the chapters",
                        "seconds": executed["read_wall_s"],
                        "target_s": EXECUTION_BUDGET,
                        "exit_status": 0,
                        "commit": commit,
                        "tail": [
                            f"{len(executed['notebook_runtimes_s'])} notebooks, "
                            f"{executed['workers']} at a time; runtimes sum to "
                            f"{sum(executed['notebook_runtimes_s'].values()):.0f} s"
                        ],
                    }
                )
            if command != "make setup" and command != "make clean":
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

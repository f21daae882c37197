"""Grade a folder of submitted notebooks: `python -m coursekit.grade SUBMISSIONS [-o CSV]`.

Each submission is run top to bottom by otter-grader (`otter.api.grade_submission`, no
container) with the autograder of its chapter, found from the assignment name otter keeps
in the notebook's metadata. The CSV has one row per submission and one column per
question: the score (0 to 1) of an autograded question, "manual" for a proof.
Submissions are graded as many at a time as the machine has cores (each runs in a
kernel of its own, and a kernel uses one core); `-j 1` grades one at a time.
"""

import argparse
import csv
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
AUTOGRADERS = ROOT / "_build" / "autograder"


def chapter_of(path):
    """The chapter a submitted notebook belongs to (otter's assignment name)."""
    meta = nbformat.read(path, as_version=4)["metadata"]
    return meta.get("otter", {}).get("assignment_name") or Path(path).stem


def grade_one(path, autograders=AUTOGRADERS):
    """{question: score or "manual"} for one submission, and its chapter."""
    from otter.api import grade_submission

    chapter = chapter_of(path)
    questions = json.loads((autograders / "questions.json").read_text())[chapter]
    results = grade_submission(str(path), str(autograders / f"{chapter}.zip"), quiet=True)
    row = {}
    for name, kind in questions:
        row[name] = "manual" if kind == "manual" else float(results.get_score(name))
    return chapter, row


def cores():
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def grade_folder(folder, out, autograders=AUTOGRADERS, jobs=None):
    """Grade every notebook in `folder`, `jobs` at a time (default: one per core); write
    the table to `out`; return its rows."""
    paths = sorted(Path(folder).glob("*.ipynb"))
    jobs = max(1, min(jobs or cores(), len(paths) or 1))
    # processes, started afresh ("spawn"): each submission's kernel and otter's working
    # files stay apart, and no thread of the caller is copied into a child
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        graded = list(pool.map(grade_one, paths, [autograders] * len(paths)))
    rows, columns = [], []
    for path, (chapter, scores) in zip(paths, graded, strict=True):
        auto = [s for s in scores.values() if s != "manual"]
        rows.append(
            {
                "submission": path.name,
                "chapter": chapter,
                **scores,
                "auto_total": sum(auto),
                "auto_possible": len(auto),
            }
        )
        columns += [q for q in scores if q not in columns]
    header = ["submission", "chapter", *columns, "auto_total", "auto_possible"]
    with open(out, "w", newline="") as f:
        writer = csv.DictWriter(f, header, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", help="a folder of submitted .ipynb files")
    parser.add_argument("-o", "--out", default=None, help="CSV (default: <folder>/grades.csv)")
    parser.add_argument(
        "-j", "--jobs", type=int, default=None, help="submissions graded at a time (default: cores)"
    )
    args = parser.parse_args()
    out = args.out or str(Path(args.submissions) / "grades.csv")
    rows = grade_folder(args.submissions, out, jobs=args.jobs)
    print(f"{len(rows)} submissions graded: {out}")


if __name__ == "__main__":
    main()

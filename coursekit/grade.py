"""Grade a folder of submitted notebooks: `python -m coursekit.grade SUBMISSIONS [-o CSV]`.

Each submission is run top to bottom by otter-grader (`otter.api.grade_submission`, no
container) with the autograder of its chapter, found from the assignment name otter keeps
in the notebook's metadata. The CSV has one row per submission and one column per
question: the score (0 to 1) of an autograded question, "manual" for a proof.
"""

import argparse
import csv
import json
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


def grade_folder(folder, out, autograders=AUTOGRADERS):
    """Grade every notebook in `folder`; write the table to `out`; return its rows."""
    rows, columns = [], []
    for path in sorted(Path(folder).glob("*.ipynb")):
        chapter, scores = grade_one(path, autograders)
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
    args = parser.parse_args()
    out = args.out or str(Path(args.submissions) / "grades.csv")
    rows = grade_folder(args.submissions, out)
    print(f"{len(rows)} submissions graded: {out}")


if __name__ == "__main__":
    main()

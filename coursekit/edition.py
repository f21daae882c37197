"""Write the student edition and its autograders: `python -m coursekit.edition`.

For each chapter with exercises this writes an otter-grader master notebook (the chapter
with every solution removed and each exercise turned into a question) and runs
`otter assign` on it, then collects:

- `_build/student/<chapter>.ipynb`: the notebook to hand out;
- `_build/autograder/<chapter>.zip`: its autograder, for `coursekit.grade`;
- `_build/autograder/<chapter>-solution.ipynb`: the reference solutions (teacher only).

An exercise whose solution has checked code becomes an answer cell (the solution's code
reduced to the names its check reads, computed values replaced by `...`) graded by the
check's asserts as a hidden test. An exercise that asks for a proof gets a "Your proof
here" cell, graded by the teacher ("manual" in the grade table).
"""

import argparse
import ast
import contextlib
import copy
import io
import json
import shutil
from pathlib import Path

import nbformat
import yaml
from otter.assign import main as assign

from coursekit.exercises import defined_names, find_exercises, source, split_markdown

ROOT = Path(__file__).resolve().parents[1]
PROOF_PROMPT = "*Your proof here.* (Graded by your teacher.)"


def toc_chapters():
    """The chapter notebooks, in the order of _toc.yml."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if str(node.get("file", "")).startswith("book/"):
                found.append(ROOT / (node["file"] + ".ipynb"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(yaml.safe_load((ROOT / "_toc.yml").read_text()))
    return [path for path in found if path.exists()]


def is_given(value):
    """Whether an assigned value is a number the exercise states (`T = 10_000`), not a result."""
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub):
        value = value.operand
    return isinstance(value, ast.Constant)


def bindings(code):
    """{name: value} for each name the code binds, in order; the value is None unless the
    name is bound once, by a plain assignment."""
    found, count = {}, {}
    for node in ast.walk(ast.parse(code)):
        pairs = []
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Tuple):
                    values = getattr(node.value, "elts", [])
                    if len(values) != len(target.elts):
                        values = [None] * len(target.elts)
                    pairs += list(zip(target.elts, values, strict=True))
                else:
                    pairs.append((target, node.value))
        elif isinstance(node, ast.For | ast.AugAssign | ast.AnnAssign):
            pairs = [(node.target, None)]
        for target, value in pairs:
            if isinstance(target, ast.Name):
                found.setdefault(target.id, value)
                count[target.id] = count.get(target.id, 0) + 1
    return {name: value if count[name] == 1 else None for name, value in found.items()}


def answers(ex):
    """{name: given value or None} for the names the check reads, in the solution's order.

    A name the check reads but binds itself (a loop variable) is not asked for; a name
    the solution sets to a plain number is given as it is (the exercise states it).
    """
    check = ast.parse(ex.check)
    read = {
        n.id for n in ast.walk(check) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    read -= defined_names(ex.check)
    return {
        name: value if value is not None and is_given(value) else None
        for name, value in bindings(ex.code).items()
        if name in read
    }


def answer_prompt(ex):
    """The student's answer cell: the names the check reads, with `...` to fill in."""
    lines = [f"# Exercise {ex.label}: replace each ... (hidden tests check these names)"]
    for name, given in answers(ex).items():
        lines.append(f"{name} = {ast.unparse(given)}  # given" if given else f"{name} = ...")
    return "\n".join(lines)


# A check may test a relation the answers must satisfy (two runs agree, a loss is small),
# which answers chosen to fit it would pass; so each answer must also equal the one the
# reference solution computes, run in a copy of the student's namespace.
SAME_AS_REFERENCE = """
def _same(a, b, top=True):
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], False) for k in a)
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):  # a run's Record too
        return len(a) == len(b) and all(_same(x, y, False) for x, y in zip(a, b))
    if callable(a) or callable(b):  # an answer that is a schedule: the same rates
        if not top:
            return True  # a problem's functions: the check alone grades them
        steps = np.arange(500)
        return callable(a) and callable(b) and _same(a(steps), b(steps))
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    try:
        x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return True  # an object (a problem, an optimizer): the check alone grades it
    return x.shape == y.shape and np.allclose(x, y, rtol=1e-6, atol=1e-12, equal_nan=True)


_reference = dict(globals())
with contextlib.redirect_stdout(io.StringIO()):
    exec(compile(_SOLUTION, "<reference solution>", "exec"), _reference)
for _name in _ASKED:
    assert _same(globals()[_name], _reference[_name]), f"{_name} is not the expected value"
"""


def hidden_test(ex):
    """The question's hidden test: the chapter's check, then the answers' values."""
    asked = [name for name, given in answers(ex).items() if given is None]
    return (
        f"# HIDDEN\n{ex.check}\n\nimport contextlib, io\nimport numpy as np\n"
        f"_SOLUTION = {ex.code!r}\n_ASKED = {asked!r}\n{SAME_AS_REFERENCE}"
    )


def raw(text):
    """An otter-assign directive cell."""
    return nbformat.v4.new_raw_cell(text)


def question_cells(ex):
    """The master notebook's cells for one exercise, in otter's format.

    Otter keeps PROMPT blocks and lines for students only and SOLUTION blocks (here the
    solution's prose and code) for the teacher's reference notebook only.
    """
    code, md = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    proof = ex.asks_proof
    cells = []
    if ex.autograded:
        prose = [] if proof else [md(ex.solution)]
        cells += [
            raw(f"# BEGIN QUESTION\nname: {ex.label}\npoints: 1\ncheck_cell: false"),
            md(ex.text),
            raw("# BEGIN SOLUTION"),
            *prose,
            code(
                f'""" # BEGIN PROMPT\n{answer_prompt(ex)}\n"""  # END PROMPT\n'
                f"# BEGIN SOLUTION NO PROMPT\n{ex.code}\n# END SOLUTION"
            ),
            raw("# END SOLUTION"),
            raw("# BEGIN TESTS"),
            code(hidden_test(ex)),
            raw("# END TESTS"),
            raw("# END QUESTION"),
        ]
    if proof:
        name = f"{ex.label}-proof" if ex.autograded else ex.label
        text = [] if ex.autograded else [md(ex.text)]
        cells += [
            raw(f"# BEGIN QUESTION\nname: {name}\nmanual: true\npoints: 1"),
            *text,
            raw("# BEGIN PROMPT"),
            md(PROOF_PROMPT),
            raw("# END PROMPT"),
            raw("# BEGIN SOLUTION"),
            md(ex.solution),
            raw("# END SOLUTION"),
            raw("# END QUESTION"),
        ]
    return cells


def master_notebook(nb, name):
    """The chapter as an otter master notebook: solutions out, exercises as questions."""
    exercises = find_exercises(nb)
    by_label = {ex.label: ex for ex in exercises}
    moved = {i for ex in exercises for i in ex.code_cells}
    config = {
        "name": name,
        "init_cell": False,
        "check_all_cell": False,
        "export_cell": False,
        "run_tests": False,
        "generate": {"show_hidden": True, "print_summary": False, "logo": False},
    }
    cells = [raw("# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False))]
    for i, cell in enumerate(nb["cells"]):
        if i in moved:
            continue
        if cell["cell_type"] != "markdown":
            cells.append(copy.deepcopy(cell))
            continue
        for kind, text in split_markdown(source(cell)):
            if kind == "prose":
                cells.append(nbformat.v4.new_markdown_cell(text.strip("\n")))
            elif kind == "exercise":
                label = text.split(":label:")[1].split()[0]
                cells += question_cells(by_label[label])
    master = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(nb["metadata"]))
    return master, exercises


def questions(exercises):
    """The grade table's columns for a chapter: (name, "auto" | "manual")."""
    out = []
    for ex in exercises:
        if ex.autograded:
            out.append((ex.label, "auto"))
        if ex.asks_proof:
            out.append((ex.label if not ex.autograded else f"{ex.label}-proof", "manual"))
    return out


def build(chapters, out=ROOT / "_build"):
    """Write the student notebooks, autograders and reference solutions of `chapters`."""
    student, grader = out / "student", out / "autograder"
    work = out / "coursekit"
    for folder in (student, grader):
        folder.mkdir(parents=True, exist_ok=True)
    index = {}
    for path in chapters:
        nb = nbformat.read(path, as_version=4)
        name = path.stem
        master, exercises = master_notebook(nb, name)
        if not exercises:
            continue
        shutil.rmtree(work / name, ignore_errors=True)
        (work / name).mkdir(parents=True)
        nbformat.write(master, work / name / f"{name}.ipynb")
        with contextlib.redirect_stdout(io.StringIO()):
            assign(str(work / name / f"{name}.ipynb"), str(work / name / "dist"), no_pdfs=True)
        dist = work / name / "dist"
        shutil.copy(dist / "student" / f"{name}.ipynb", student / f"{name}.ipynb")
        shutil.copy(dist / "autograder" / f"{name}.ipynb", grader / f"{name}-solution.ipynb")
        (zipped,) = (dist / "autograder").glob(f"{name}-autograder_*.zip")
        shutil.copy(zipped, grader / f"{name}.zip")
        index[name] = questions(exercises)
    (grader / "questions.json").write_text(json.dumps(index, indent=1) + "\n")
    return index


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="chapter names (default: all)")
    args = parser.parse_args()
    chapters = [p for p in toc_chapters() if not args.chapters or p.stem in args.chapters]
    index = build(chapters)
    for name, qs in index.items():
        auto = sum(kind == "auto" for _, kind in qs)
        print(f"_build/student/{name}.ipynb: {auto} autograded, {len(qs) - auto} manual")


if __name__ == "__main__":
    main()

"""The course kit (coursekit/, issue 18): the student edition holds no solution, runs in
the book's kernel before any answer is filled in, and its autograder gives full marks to
the reference solutions, none to the untouched edition and partial marks in between."""

import asyncio
import csv
import json
import re
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest
from nbclient import NotebookClient

from coursekit.edition import ROOT, answers, build, toc_chapters
from coursekit.exercises import find_exercises, source
from coursekit.grade import grade_folder

# the chapter graded in the tests: two autograded questions (for partial marks), quick to run
GRADED = "schedules"
CHAPTERS = [p for p in toc_chapters() if find_exercises(nbformat.read(p, as_version=4))]


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    """The student edition and autograders of every chapter, built once."""
    out = tmp_path_factory.mktemp("kit")
    return out, build(CHAPTERS, out)


def student(kit, name):
    return nbformat.read(kit[0] / "student" / f"{name}.ipynb", as_version=4)


def sentences(text):
    """The sentences of a solution block (directive lines dropped), 30 characters or more."""
    body = "\n".join(line for line in text.splitlines()[1:-1] if not line.startswith(":"))
    parts = re.split(r"(?<=[.:;?!])\s+|\n\s*\n|\$\$", body)
    return {" ".join(p.split()) for p in parts if len(" ".join(p.split())) >= 30}


def test_every_chapter_with_exercises_has_an_edition(kit):
    out, index = kit
    assert len(CHAPTERS) >= 10 and sorted(index) == sorted(p.stem for p in CHAPTERS)
    for path in CHAPTERS:
        exercises = find_exercises(nbformat.read(path, as_version=4))
        text = "\n".join(source(c) for c in student(kit, path.stem).cells)
        names = [q for q, _ in index[path.stem]]
        for ex in exercises:
            assert ex.text.strip() in text, f"{ex.label} missing from the student edition"
            assert ex.label in names
            if not ex.autograded:
                assert dict(index[path.stem])[ex.label] == "manual"
                assert "Your proof here" in text
        assert (out / "autograder" / f"{path.stem}.zip").exists()


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_student_edition_holds_no_solution(kit, path):
    """No sentence of a {solution} block, no line of solution code, no hidden test."""
    chapter = nbformat.read(path, as_version=4)
    exercises = find_exercises(chapter)
    solution_cells = {i for ex in exercises for i in ex.code_cells}
    # text the chapter shows elsewhere may appear in the edition
    elsewhere = "\n".join(
        re.sub(r"```\{solution\}.*?^```", "", source(c), flags=re.M | re.S)
        for i, c in enumerate(chapter.cells)
        if i not in solution_cells
    )
    nb = student(kit, path.stem)
    text = " ".join(" ".join(source(c).split()) for c in nb.cells)
    shown = " ".join(elsewhere.split())
    for ex in exercises:
        for sentence in sentences(ex.solution):
            if sentence not in shown:  # a sentence the chapter also shows outside solutions
                assert sentence not in text, f"{ex.label}: solution text in the edition"
        for line in (ex.code + "\n" + ex.check).splitlines():
            line = line.strip()
            if len(line) >= 25 and line not in elsewhere:
                assert line not in text, f"{ex.label}: solution or test code {line!r}"
    assert "solution}" not in text
    for test in nb.metadata["otter"]["tests"].values():
        assert all(not suite["cases"] for suite in test["suites"])  # hidden tests stay out


def test_student_edition_runs_before_any_answer(kit, chromium):
    """Every chapter's edition runs top to bottom in the book's kernel, answers unfilled.
    The editions run two at a time, each in its own kernel (one kernel uses one core).
    `chromium` is requested so that this test always meets the running event loop it meets
    in the full suite (CI failed on it once, when it ran after the browser tests)."""

    async def run(path, slots):
        nb = student(kit, path.stem)
        client = NotebookClient(
            nb, kernel_name="optbook", timeout=900, resources={"metadata": {"path": str(ROOT)}}
        )
        async with slots:
            try:
                await client.async_execute()  # raises CellExecutionError on the first error
            except Exception as error:
                raise AssertionError(f"{path.stem}'s student edition failed: {error}") from error
        return nb

    async def run_all():
        slots = asyncio.Semaphore(2)
        return await asyncio.gather(*(run(path, slots) for path in CHAPTERS))

    # In a thread of its own: the session's Chromium (Playwright's sync API) keeps an event
    # loop running in this one, and asyncio.run refuses to start a second loop beside it.
    with ThreadPoolExecutor(1) as thread:
        notebooks = thread.submit(asyncio.run, run_all()).result()
    for nb in notebooks:
        answers = [c for c in nb.cells if "otter_answer_cell" in c.metadata.get("tags", [])]
        assert answers and all(c.cell_type == "markdown" or c.outputs == [] for c in answers)


def test_grades(kit, tmp_path):
    """Reference solutions get full marks, the untouched edition zero, a half-solved one half."""
    out, index = kit
    reference = nbformat.read(out / "autograder" / f"{GRADED}-solution.ipynb", as_version=4)
    untouched = student(kit, GRADED)
    auto = [q for q, kind in index[GRADED] if kind == "auto"]
    assert len(auto) >= 2
    # partly solved: the first question answered with the chapter's own solution code
    exercise = next(
        ex
        for ex in find_exercises(nbformat.read(ROOT / "book" / f"{GRADED}.ipynb", as_version=4))
        if ex.label == auto[0]
    )
    partial = nbformat.read(out / "student" / f"{GRADED}.ipynb", as_version=4)
    (cell,) = [c for c in partial.cells if f"Exercise {auto[0]}:" in source(c)]
    cell.source = exercise.code
    folder = tmp_path / "submissions"
    folder.mkdir()
    for name, nb in (("reference", reference), ("untouched", untouched), ("partial", partial)):
        nbformat.write(nb, folder / f"{name}.ipynb")
    grade_folder(folder, tmp_path / "grades.csv", autograders=out / "autograder")
    with open(tmp_path / "grades.csv") as f:
        rows = {row["submission"]: row for row in csv.DictReader(f)}
    scores = {
        name: [float(rows[f"{name}.ipynb"][q]) for q in auto]
        for name in ("reference", "untouched", "partial")
    }
    assert scores["reference"] == [1.0] * len(auto)
    assert scores["untouched"] == [0.0] * len(auto)
    assert scores["partial"] == [1.0] + [0.0] * (len(auto) - 1)
    manual = [q for q, kind in index[GRADED] if kind == "manual"]
    assert all(rows["partial.ipynb"][q] == "manual" for q in manual)
    assert json.loads((out / "autograder" / "questions.json").read_text())[GRADED]


def test_answers_that_only_fit_the_check_get_no_mark(kit, tmp_path):
    """RMSProp's exercise checks that two runs agree: two equal arrays of zeros satisfy
    that check, yet are not the runs asked for, and get no mark; the solution gets one."""
    out, _ = kit
    label = "ex-rmsprop-rho-one"
    folder = tmp_path / "submissions"
    folder.mkdir()
    for name, answer in (
        ("gamed", "near = ada50 = np.zeros((51, 2))"),
        (
            "solved",
            next(
                ex.code
                for ex in find_exercises(
                    nbformat.read(ROOT / "book" / "rmsprop.ipynb", as_version=4)
                )
                if ex.label == label
            ),
        ),
    ):
        nb = student(kit, "rmsprop")
        (cell,) = [c for c in nb.cells if f"Exercise {label}:" in source(c)]
        cell.source = answer
        nbformat.write(nb, folder / f"{name}.ipynb")
    grade_folder(folder, tmp_path / "grades.csv", autograders=out / "autograder")
    with open(tmp_path / "grades.csv") as f:
        rows = {row["submission"]: row for row in csv.DictReader(f)}
    assert float(rows["gamed.ipynb"][label]) == 0.0
    assert float(rows["solved.ipynb"][label]) == 1.0


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_exercises_name_their_answers(path):
    """A student sees only the exercise's text and an answer cell `name = ...`: the text
    must name (in code font) every value the grader asks for, so the student knows what
    each name must hold."""
    for ex in find_exercises(nbformat.read(path, as_version=4)):
        for name, given in answers(ex).items():
            if given is None:
                assert f"`{name}`" in ex.text, f"{ex.label}: the text never names `{name}`"

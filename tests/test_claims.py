"""The book's claim standard, made mechanical (CONTRIBUTING.md, "Claims").

- Every number in the prose is computed by a code cell above it ({eval} roles), and every
  string formatted for the prose is shown; no page uses glue (JupyterLab cannot show it).
- Every check cell (tag ``remove-cell``) asserts something about results computed outside
  its own arithmetic: a check that only re-computes a formula is a tautology.
- The source documents are cited as bibliography entries, never by file name.
The third rule of the standard, that every explorer's web view equals its live view, is
checked by the explorers themselves whenever a chapter runs (``Explorer.check_live``).
"""

from __future__ import annotations

import ast
import builtins
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
PAGES = NOTEBOOKS + sorted((ROOT / "book").glob("*.md"))

GLUE_CALL = re.compile(r"""\bglue\(\s*(?:f?["'])([A-Za-z_][\w]*)["']""")
GLUE_ROLE = re.compile(r"\{glue(?::[a-z]+)?\}`([A-Za-z_][\w]*)")
EVAL_ROLE = re.compile(r"\{eval\}`([^`]*)`")


def cells(path, kind=None):
    nb = json.loads(path.read_text())
    return [c for c in nb["cells"] if kind is None or c["cell_type"] == kind]


def source(cell):
    return "".join(cell["source"])


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_no_page_uses_glue(path):
    """glue roles render on the site only (JupyterLab shows the key): numbers use
    {eval} (next test)."""
    text = path.read_text()
    assert not GLUE_ROLE.search(text) and not GLUE_CALL.search(text), (
        f"{path.name} uses glue, which JupyterLab cannot show: use {{eval}}`name_text`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_number_in_the_prose_is_computed_before_it_is_shown(path):
    """``{eval}`name``` shows a value computed by the chapter in both editions: on the
    site (MyST-NB executes the chapter inline) and in JupyterLab (jupyterlab-myst asks
    the kernel when the cell renders). Both evaluate a markdown cell where it stands, so
    the name must be bound by a code cell above it; and every ``*_text`` string a
    chapter formats for its prose must be shown."""
    bound, shown = set(), set()
    for i, cell in enumerate(cells(path)):
        if cell["cell_type"] == "code":
            bound |= bound_names(source(cell))
        elif cell["cell_type"] == "markdown":
            for name in EVAL_ROLE.findall(source(cell)):
                assert re.fullmatch(r"[A-Za-z_]\w*", name), (
                    f"{path.name} cell {i}: {{eval}}`{name}` must name a variable "
                    "(format the number into a string in code: name_text = format(x, '.3f'))"
                )
                assert name in bound, (
                    f"{path.name} cell {i} shows {name!r} before any code cell computes it"
                )
                shown.add(name)
    unused = {n for n in bound if n.endswith("_text")} - shown
    assert not unused, f"{path.name}: formatted for the prose but never shown: {unused}"


# names a check may use without them counting as "outside the cell"
PURE = {"np", "math", "numpy", "scipy", "fractions", "Fraction", *dir(builtins)}


def statement_names(statement):
    """What one statement reads, binds (for the statements after it), and keeps local
    (function arguments, comprehension and loop targets inside it)."""
    reads, binds, local = set(), set(), set()
    for node in ast.walk(statement):
        if isinstance(node, ast.Name):
            (binds if isinstance(node.ctx, ast.Store | ast.Del) else reads).add(node.id)
        elif isinstance(node, ast.arg):
            local.add(node.arg)
        elif isinstance(node, ast.FunctionDef):
            binds.add(node.name)
        elif isinstance(node, ast.alias):
            binds.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.comprehension):
            local |= {t.id for t in ast.walk(node.target) if isinstance(t, ast.Name)}
    return reads, binds, local


def outside_names(code):
    """Names the cell reads before binding them itself (results of earlier cells, optlib,
    problems...), leaving out pure maths modules and builtins. Statements are taken in
    order, and a statement's reads come before its own bindings (``x = f(x)`` reads the
    outer x); a loop's target is bound before its body runs."""
    outside = set()

    def scan(statements, bound):
        for statement in statements:
            if isinstance(statement, ast.For | ast.AsyncFor):
                scan([ast.Expr(statement.iter)], bound)
                bound |= statement_names(ast.Assign([statement.target], ast.Constant(0)))[1]
                scan(statement.body + statement.orelse, bound)
            elif isinstance(statement, ast.If | ast.While):
                scan([ast.Expr(statement.test)], bound)
                scan(statement.body + statement.orelse, bound)
            else:
                reads, binds, local = statement_names(statement)
                outside.update(reads - bound - local - PURE)
                bound |= binds

    scan(ast.parse(code).body, set())
    if re.search(r"\boptlib\b", code):
        outside.add("optlib")
    return outside


def bound_names(code):
    """Every name the cell binds for the cells after it."""
    return set().union(*(statement_names(s)[1] for s in ast.parse(code).body))


def library_names(codes):
    """Names a notebook binds by importing optlib (or scikit-learn, an outside reference)."""
    names = {"optlib"}
    for code in codes:
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
                "optlib",
                "sklearn",
            ):
                names |= {alias.asname or alias.name for alias in node.names}
    return names


def tautologies(codes, checks):
    """The check cells (indices into ``codes``) that never reach a call into optlib (or
    scikit-learn), following the names each reads back to the earlier cells that bound
    them."""
    library = library_names(codes)
    reads = [outside_names(code) for code in codes]
    binds = [bound_names(code) for code in codes]

    def reaches(i):
        seen, todo = set(), [i]
        while todo:
            j = todo.pop()
            if j in seen:
                continue
            seen.add(j)
            if reads[j] & library:
                return True
            for name in reads[j]:
                binders = [k for k in range(j) if name in binds[k]]
                if binders:
                    todo.append(binders[-1])
        return False

    return [i for i in checks if not reaches(i)]


# The benchmarks appendix displays timings measured by benchmarks/ and committed; its
# checks can only test that those files agree with each other (its page says so).
MEASUREMENTS_ONLY = {"benchmarks.ipynb"}


@pytest.mark.parametrize(
    "path", [p for p in NOTEBOOKS if p.name not in MEASUREMENTS_ONLY], ids=lambda p: p.name
)
def test_no_check_cell_is_a_tautology(path):
    code_cells = cells(path, "code")
    codes = [source(c) for c in code_cells]
    checks = [
        i
        for i, cell in enumerate(code_cells)
        if "remove-cell" in cell.get("metadata", {}).get("tags", [])
        and ("assert" in codes[i] or "testing" in codes[i])  # not a cell that only formats text
    ]
    for i in tautologies(codes, checks):
        pytest.fail(
            f"{path.name} code cell {i} checks only arithmetic: neither it nor the cells "
            f"its inputs come from call optlib or a recording (a tautology)\n{codes[i]}"
        )


def test_the_tautology_rule_can_fail():
    assert not outside_names("x = 0.9**2\nassert abs(x - 0.81) < 1e-12")
    assert not outside_names("import numpy as np\nnp.testing.assert_allclose(np.sqrt(4), 2)")
    assert outside_names("assert largest <= 1.0")
    assert outside_names("r = optlib.run(opt, p, 3)\nassert r.diverged_at == -1")
    assert outside_names("m = np.array(m)\nassert m.max() < 1")  # m from an earlier cell
    assert not outside_names("assert all(k * k >= 0 for k in range(9))")
    assert not outside_names("acc = 0\nfor k in range(3):\n    acc += k\nassert acc == 3")
    # followed back through the notebook: a formula checked against itself two cells on
    formula = [
        "import numpy as np",
        "f = 1 / np.sqrt(1 - 0.999 ** np.arange(1, 5))",
        "assert f[0] > 31",
    ]
    assert tautologies(formula, [2]) == [2]
    run = ["import optlib", "r = optlib.run(opt, p, 3)", "x = r.losses", "assert x[-1] < 1"]
    assert tautologies(run, [3]) == []


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_sources_are_cited_not_named_by_file(path):
    text = path.read_text()
    found = re.findall(r"\d{3}_[0-9a-f]{16}(?:\.txt)?", text)
    assert not found, f"{path.name} names source documents by file: {sorted(set(found))}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_check_cells_are_hidden_in_jupyterlab_too(path):
    for i, cell in enumerate(cells(path, "code")):
        tags = cell.get("metadata", {}).get("tags", [])
        if "remove-cell" in tags:
            hidden = cell["metadata"].get("jupyter", {})
            assert hidden.get("source_hidden") and hidden.get("outputs_hidden"), (
                f"{path.name} cell {i}: a check cell must also be collapsed in JupyterLab "
                '(metadata "jupyter": {"source_hidden": true, "outputs_hidden": true})'
            )

"""Every notebook is committed clean, listed in the table of contents, and runs on the
book's kernel. (nbval executes them: `pytest` collects book/*.ipynb with --nbval-lax.)"""

import ast
import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").rglob("*.ipynb"))


def toc_files():
    """Every `file:` entry of _toc.yml, as a path relative to the repo without suffix."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    found.append(toc["root"])
    walk(toc)
    return {str(Path(f).with_suffix("")) for f in found}


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 1, "no notebook found under book/: nbval would test nothing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    dirty = [
        i
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count") is not None)
    ]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_uses_the_book_kernel(path):
    spec = json.loads(path.read_text())["metadata"].get("kernelspec", {})
    assert spec.get("name") == "optbook", f"{path.name} runs on {spec.get('name')!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_in_the_table_of_contents(path):
    assert str(path.relative_to(ROOT).with_suffix("")) in toc_files()


def test_every_toc_entry_exists():
    for entry in toc_files():
        matches = [ROOT / f"{entry}{suffix}" for suffix in (".md", ".ipynb")]
        assert any(m.exists() for m in matches), f"_toc.yml lists {entry}, which does not exist"


# Appendices that only display committed measurements need not import optlib.
NOT_CHAPTERS = {"benchmarks.ipynb"}


@pytest.mark.parametrize(
    "path", [p for p in NOTEBOOKS if p.name not in NOT_CHAPTERS], ids=lambda p: p.name
)
def test_notebook_imports_optlib(path):
    nb = json.loads(path.read_text())
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "import optlib" in code or "from optlib" in code, f"{path.name} does not use optlib"


def maths_broken_by_a_list_marker(text):
    """Lines of Markdown that open a list item ("+ ", "- ", "* ") while an inline
    formula is still open: Markdown then ends the paragraph there, and the formula
    shows as raw TeX on the site and in JupyterLab."""
    broken, dollars, display = [], 0, False
    for line in text.splitlines():
        if line.strip().startswith("$$"):
            display = not display or line.strip().endswith("$$") and len(line.strip()) > 2
            dollars = 0
            continue
        if display:
            continue
        if not line.strip():
            dollars = 0  # a blank line ends the paragraph
            continue
        if dollars % 2 and line.lstrip()[:2] in ("+ ", "- ", "* "):
            broken.append(line)
        dollars += line.replace("\\$", "").count("$")
    return broken


def test_the_list_marker_check_can_fail():
    assert maths_broken_by_a_list_marker("as $a\n+ b$ then") == ["+ b$ then"]
    assert not maths_broken_by_a_list_marker("as $a +\nb$ then\n\n- an item")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_inline_maths_is_cut_by_a_list_marker(path):
    cells = json.loads(path.read_text())["cells"]
    broken = [
        line
        for cell in cells
        if cell["cell_type"] == "markdown"
        for line in maths_broken_by_a_list_marker("".join(cell["source"]))
    ]
    assert not broken, f"{path.name}: a line opens a list inside a formula: {broken}"


# matplotlib calls that return an artist: as a cell's last line they print its repr
ARTIST_CALLS = {
    "plot",
    "legend",
    "axhline",
    "axvline",
    "text",
    "annotate",
    "scatter",
    "fill_between",
    "hist",
    "imshow",
    "pcolormesh",
    "bar",
    "errorbar",
    "axvspan",
}


def bare_artist_call(source):
    """The last statement of a cell, if it is a matplotlib call whose value Jupyter
    would print (no ';' after it), else None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    if not tree.body or source.rstrip().endswith(";"):
        return None
    last = tree.body[-1]
    call = last.value if isinstance(last, ast.Expr) else None
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
        if call.func.attr in ARTIST_CALLS:
            return ast.get_source_segment(source, last)
    return None


def test_the_artist_check_can_fail():
    assert bare_artist_call("fig, ax = f()\nax.legend(loc=1)") == "ax.legend(loc=1)"
    assert bare_artist_call("ax.legend(loc=1);") is None
    assert bare_artist_call("ax.set_xscale('log')") is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_cell_ends_in_a_bare_artist(path):
    """A plot cell ending in ax.legend(...) shows '<matplotlib.legend.Legend at 0x...>'
    under its figure, on the site and in Jupyter: end it with ";" or assign the result
    (before an {eval} paragraph, assign: see the next test)."""
    cells = json.loads(path.read_text())["cells"]
    bare = [
        (i, found)
        for i, c in enumerate(cells)
        if c["cell_type"] == "code" and (found := bare_artist_call("".join(c["source"])))
    ]
    assert not bare, f"{path.stem}: cells ending in a bare matplotlib call: {bare}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_eval_paragraph_follows_a_quiet_cell(path):
    """MyST-NB evaluates an {eval} name without storing it in the kernel's history, and
    IPython silences the result whenever the last *stored* input ends in ';'. A
    paragraph right after a cell ending in ';' therefore shows nothing and the build
    fails ("does not return any outputs"). End such a cell with an assignment instead
    (`legend = ax.legend(...)`)."""
    cells = json.loads(path.read_text())["cells"]
    quiet = [
        i
        for i, (c, after) in enumerate(zip(cells, cells[1:], strict=False))
        if c["cell_type"] == "code"
        and "".join(c["source"]).rstrip().endswith(";")
        and after["cell_type"] == "markdown"
        and "{eval}" in "".join(after["source"])
    ]
    assert not quiet, f"{path.stem}: cells {quiet} end in ';' before an {{eval}} paragraph"

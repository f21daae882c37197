"""Citations, cross-references and numbers read the same on the site and in JupyterLab.

jupyterlab-myst has no bibliography and knows only the open notebook, so in JupyterLab a
``{cite}`` role shows its bare key and a ``{ref}`` to another chapter's label shows the
label, each behind a warning sign. The chapters therefore cite with Markdown links whose
text is the citation (``_ext/links.py`` links them to the bibliography on the site), and
give a reference to another page its text. Section, equation and exercise numbers agree
too: each chapter tells jupyterlab-myst the number the website gives it and to number
headings, and every displayed equation has a label (the website numbers only labelled
equations, JupyterLab all of them).
"""

import re
from functools import cache
from pathlib import Path

import pytest
import yaml
from pybtex.database import parse_file
from pybtex.richtext import Text
from test_claims import cells, source

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "book").glob("*.ipynb")) + sorted((ROOT / "book").glob("*.md"))
BIBLIOGRAPHY = parse_file(ROOT / "book" / "references.bib").entries
LINK = re.compile(r"\[([^][]+)\]\(#([\w-]+)\)")


def prose(path):
    """A page's Markdown: a Markdown page whole, a notebook's Markdown cells joined."""
    if path.suffix == ".md":
        return path.read_text()
    return "\n\n".join(source(c) for c in cells(path, "markdown"))


def labels(path):
    text = prose(path)
    return (
        set(re.findall(r"^\(([\w-]+)\)=", text, re.M))  # sections
        | set(re.findall(r"^:label:\s*(\S+)", text, re.M))  # exercises, figures
        | set(re.findall(r"\$\$\s*\(([\w-]+)\)", text))  # equations
    )


@cache
def authors(key):
    """How the book names a work: its authors' last names (one, two, or the first and
    "et al."), or its title in italics when it has no author."""
    entry = BIBLIOGRAPHY[key]
    last = [
        Text.from_latex(" ".join(p.prelast_names + p.last_names)).render_as("text")
        for p in entry.persons.get("author", [])
    ]
    if not last:
        return "*" + Text.from_latex(entry.fields["title"]).render_as("text") + "*"
    return {1: last[0], 2: " and ".join(last)}.get(len(last), f"{last[0]} et al.")


def citation_forms(key):
    """In the sentence, "Kingma and Ba (2015)"; in parentheses, "Kingma and Ba, 2015"."""
    names, year = authors(key), BIBLIOGRAPHY[key].fields["year"]
    return {f"{names} ({year})", f"{names}, {year}"}


def test_how_works_are_named():
    assert authors("igel2000improving") == "Igel and Hüsken"
    assert authors("zeiler2012adadelta") == "Zeiler"
    assert authors("wilson2017marginal") == "Wilson et al."
    assert authors("seed-notes") == "*Adaptive Learning Rates*"
    assert citation_forms("kingma2015adam") == {"Kingma and Ba (2015)", "Kingma and Ba, 2015"}


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_citations_are_links_that_name_the_work(path):
    text = prose(path)
    roles = re.findall(r"\{cite(?::\w+)?\}`[^`]*`", text)
    assert not roles, (
        f"{path.name}: {roles[:3]}: JupyterLab shows a cite role as its bare key; write "
        "[Kingma and Ba (2015)](#kingma2015adam) or ([Kingma and Ba, 2015](#kingma2015adam))"
    )
    wrong = [
        (shown, key, sorted(citation_forms(key)))
        for shown, key in LINK.findall(text)
        if key in BIBLIOGRAPHY and " ".join(shown.split()) not in citation_forms(key)
    ]
    assert not wrong, f"{path.name}: citation text does not match the bibliography: {wrong}"
    # "Kingma and Ba ([Kingma and Ba, 2015](#kingma2015adam))" names the authors twice
    twice = [
        key
        for names, key in re.findall(r"([^\s(\[][^(\[]{0,40}?)\s+\(\[[^][]+\]\(#([\w-]+)\)\)", text)
        if key in BIBLIOGRAPHY and authors(key).split()[0] in names.split()[-3:]
    ]
    assert not twice, f"{path.name}: {twice}: write [Names (year)](#key) instead of Names ([...])"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_references_to_other_pages_carry_their_text(path):
    own = labels(path)
    text = prose(path)
    bare = [m for m in re.findall(r"\{(?:ref|numref|eq)\}`([\w-]+)`", text) if m not in own]
    assert not bare, (
        f"{path.name}: {bare}: JupyterLab cannot resolve a label on another page and shows "
        "it raw; write {ref}`Title <label>`, or [text](#label) for an equation"
    )
    broken = re.findall(r"\{ref\}`[^`]*\n[^`]*`", text)
    assert not broken, f"{path.name}: {broken}: JupyterLab shows a {{ref}} split over lines raw"


def test_every_cited_key_and_label_exists():
    everywhere = set().union(*(labels(p) for p in PAGES))
    missing = sorted(
        {key for p in PAGES for _, key in LINK.findall(prose(p))} - everywhere - set(BIBLIOGRAPHY)
    )
    assert not missing, f"links to targets that exist nowhere: {missing}"


def chapter_numbers():
    """The website numbers the chapters of the table of contents' numbered parts 1, 2, ..."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    chapters = [
        Path(chapter["file"]).name
        for part in toc["parts"]
        if part.get("numbered")
        for chapter in part["chapters"]
    ]
    return {name: number for number, name in enumerate(chapters, 1)}


@pytest.mark.parametrize("path", [p for p in PAGES if p.suffix == ".ipynb"], ids=lambda p: p.name)
def test_jupyterlab_numbers_sections_equations_and_exercises_as_the_website(path):
    first = cells(path)[0]
    front = re.fullmatch(r"---\n(.*)\n---\s*", "".join(first["source"]), re.S)
    number = chapter_numbers().get(path.stem)
    if number is None:
        assert front is None, f"{path.name} is not numbered on the website"
    else:
        assert front and yaml.safe_load(front.group(1)) == {
            "numbering": {"headings": True, "enumerator": f"{number}.%s"}
        }, f'{path.name}: the first cell must be front matter with enumerator "{number}.%s"'
        assert "remove-cell" in first["metadata"].get("tags", []), (
            f"{path.name}: the front-matter cell is for JupyterLab; tag it remove-cell"
        )
    unlabelled = [
        m.group(1)[:40]
        for m in re.finditer(r"\$\$(.*?)\$\$([ \t]*\([\w-]+\))?", prose(path), re.S)
        if not m.group(2)
    ]
    assert not unlabelled, f"{path.name}: displayed equations without a label: {unlabelled}"


def test_labels_are_ascii_with_a_hyphen():
    """tests/test_jupyterlab.py tells a raw label target from rendered maths this way."""
    odd = sorted(
        label
        for path in PAGES
        for label in re.findall(r"^\(([^)]*)\)=", prose(path), re.M)
        if not re.fullmatch(r"[A-Za-z0-9_]+-[A-Za-z0-9_-]+", label)
    )
    assert not odd, f"labels that are not ASCII with a hyphen: {odd}"

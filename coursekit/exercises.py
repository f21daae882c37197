"""Find the exercises of a chapter notebook, their solutions and their checks.

An exercise is a MyST block in a Markdown cell, ```` ```{exercise} ```` with a `:label:`;
its solution is a ```` ```{solution} <label> ```` block. A solution that needs code has a
code cell tagged `hide-cell` (the solution code) followed by one tagged `remove-cell` (the
hidden check: asserts on the solution's results). That pair usually follows the solution;
when the solution quotes its numbers with `{eval}` the pair comes before the exercise, so a
pair belongs to the exercise whose solution alone quotes a name the pair defines, else to
the solution right above it. Any other hidden check belongs to the chapter's prose.
"""

import ast
import re
from dataclasses import dataclass, field

BLOCK = re.compile(r"^```\{(exercise|solution)\}[^\n]*\n.*?^```[ \t]*$\n?", re.M | re.S)
LABEL = re.compile(r"^:label:\s*(\S+)", re.M)
SOLUTION_OF = re.compile(r"^```\{solution\}\s*(\S+)")
EVAL = re.compile(r"\{eval\}`([A-Za-z_]\w*)`")
PROOF_WORDS = re.compile(r"\b(Prove|Show|Derive)\b")


@dataclass
class Exercise:
    """One exercise: its MyST block, its solution's prose and, if any, code and check."""

    label: str
    text: str
    solution: str = ""
    code: str = ""
    check: str = ""
    code_cells: list[int] = field(default_factory=list)

    @property
    def autograded(self):
        """An exercise is graded automatically when its solution has a checked code cell."""
        return bool(self.code and self.check)

    @property
    def asks_proof(self):
        """Whether the exercise asks for a written argument (graded by the teacher)."""
        return not self.autograded or bool(PROOF_WORDS.search(self.text))


def source(cell):
    """A cell's source as one string."""
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def tags(cell):
    """A cell's tags."""
    return cell.get("metadata", {}).get("tags", [])


def split_markdown(text):
    """Split Markdown into ("prose" | "exercise" | "solution", text) pieces, in order."""
    pieces, start = [], 0
    for match in BLOCK.finditer(text):
        if text[start : match.start()].strip():
            pieces.append(("prose", text[start : match.start()]))
        pieces.append((match.group(1), match.group(0)))
        start = match.end()
    if text[start:].strip():
        pieces.append(("prose", text[start:]))
    return pieces


def defined_names(code):
    """Names a piece of code binds anywhere (assignments, loops, defs, imports)."""
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
    return names


def find_exercises(nb):
    """The chapter's exercises, in order, with solutions, code and checks attached."""
    cells = nb["cells"]
    exercises, solved_by_cell, prose_evals, solution_evals = {}, {}, set(), {}
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        for kind, text in split_markdown(source(cell)):
            if kind == "exercise":
                label = LABEL.search(text).group(1)
                exercises[label] = Exercise(label, text)
            elif kind == "solution":
                label = SOLUTION_OF.match(text).group(1)
                exercises[label].solution = text
                solved_by_cell[i] = label
                solution_evals[label] = set(EVAL.findall(text))
            else:
                prose_evals |= set(EVAL.findall(text))
    for i, cell in enumerate(cells[:-1]):
        after = cells[i + 1]
        if not ("hide-cell" in tags(cell) and "remove-cell" in tags(after)):
            continue
        names = defined_names(source(cell)) | defined_names(source(after))
        owner = [
            label
            for label, quoted in solution_evals.items()
            if quoted & names and not (quoted & names & prose_evals)
        ]
        label = owner[0] if owner else solved_by_cell.get(i - 1)
        if label and not exercises[label].code:
            ex = exercises[label]
            ex.code, ex.check, ex.code_cells = source(cell), source(after), [i, i + 1]
    return list(exercises.values())

"""Show the lines of optlib that implement a displayed equation.

Each optimizer marks the code of an equation with a comment ``# eq. TAG`` (the
chapters label the same equation ``(TAG)``), so a chapter can print the very
line that computes it instead of writing a second implementation::

    from optlib.source import equation_lines
    equation_lines(optlib.adam, "adam-m")   # the comment and the code under it
"""

from __future__ import annotations

import inspect
import re

__all__ = ["equation_lines", "source"]

_COMPOUND = re.compile(r"(if|elif|else|for|while|with|try|except|finally|def|class)\b")


def _continues(line, comment):
    """Whether ``line`` still belongs to the code block under the tag ``comment``."""
    text = line.strip()
    indent = len(line) - len(line.lstrip())
    return (
        bool(text)
        and not text.startswith("#")
        and indent == len(comment) - len(comment.lstrip())
        and not _COMPOUND.match(text)
    )


def source(obj):
    """The source text of a function or module (for the factories, the module
    that defines them, so the closures' update code is included)."""
    module = inspect.getmodule(obj)
    return inspect.getsource(module if inspect.isfunction(obj) else obj)


def equation_lines(obj, *tags):
    """The code lines tagged ``# eq. TAG`` in ``obj``'s module, as one string.

    For each tag: the tagged comment and the block of code under it, up to the
    next comment, blank line, change of indentation or compound statement (or the
    code line itself when the tag is a trailing comment). Raises
    ``ValueError`` naming a tag that occurs nowhere, so a chapter cannot cite an
    equation the code no longer marks.
    """
    if not tags:
        raise ValueError("tags must name at least one equation, e.g. 'adam-m'")
    lines = source(obj).splitlines()
    blocks = []
    for tag in tags:
        pattern = re.compile(rf"#.*\beq\. {re.escape(tag)}(?![\w-])")
        found = [i for i, line in enumerate(lines) if pattern.search(line)]
        if not found:
            raise ValueError(f"tag {tag!r} marks no line of {inspect.getmodule(obj).__name__}")
        for i in found:
            j = i
            while lines[j].lstrip().startswith("#"):  # a comment above: take the code under it
                j += 1
            if j > i:
                while j + 1 < len(lines) and _continues(lines[j + 1], lines[i]):
                    j += 1
            blocks.append("\n".join(line.strip() for line in lines[i : j + 1]))
    return "\n\n".join(dict.fromkeys(blocks))

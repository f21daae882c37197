"""The course kit: a student edition of the book's chapters, graded by otter-grader.

The chapters in book/ stay the single source. `coursekit.edition` reads each chapter's
MyST exercises, their solutions and the hidden check cells that follow them, writes a
master notebook in otter-grader's format and runs `otter assign` on it; `coursekit.grade`
grades a folder of submitted notebooks with the resulting autograders and writes a CSV.
"""

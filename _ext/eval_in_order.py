"""A Sphinx extension for the book: every cell above a prose cell runs before it.

The book shows numbers in its prose with MyST's ``{eval}`` role, which MyST-NB's inline
execution evaluates in the chapter's kernel while it renders the cell. MyST-NB runs a
code cell when it renders it, and never renders a cell tagged ``remove-cell`` (the
book's hidden checks): such a cell runs only when the next visible code cell does. A
paragraph right after a hidden check would be evaluated before the check has computed
the number it shows (NameError). This extension runs every cell above a prose cell
before rendering it, which is the order of the notebook, as in JupyterLab.
"""

from myst_nb.core.render import MditRenderMixin

_render = MditRenderMixin.render_nb_cell_markdown


def _render_after_the_cells_above(self, token):
    index = token.meta.get("index")
    if index and self.nb_config.execution_mode == "inline":
        self.nb_client.code_cell_outputs(index - 1)  # runs cells 0 .. index - 1 not yet run
    _render(self, token)


def setup(app):
    MditRenderMixin.render_nb_cell_markdown = _render_after_the_cells_above
    return {"parallel_read_safe": True, "parallel_write_safe": True}

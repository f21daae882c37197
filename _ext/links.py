"""A Sphinx extension for the book: links that read the same in both editions.

jupyterlab-myst has no bibliography and knows only the open notebook, so in JupyterLab
a ``{cite}`` role shows its bare key and an ``{eq}`` role to another chapter's equation
shows its label. The chapters write both as Markdown links whose text is what a reader
sees in either edition:

- a citation, ``[Wilson et al. (2017)](#wilson2017marginal)`` in the sentence or
  ``([Wilson et al., 2017](#wilson2017marginal))`` in parentheses, becomes here a link
  to the entry on the bibliography page, with the full reference as its tooltip;
- an equation, ``[Adam's second moment](#adam-v)``, becomes a link to that equation
  wherever it is.

Left to MyST, the bibtex and math domains would replace the text with their own
("[Wilson et al., 2017]", "(3)"). A target that is neither stays a MyST reference, which
fails the build if it does not exist. ``tests/test_references.py`` checks each
citation's text against the entry's authors and year.
"""

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import make_refnode


class Links(SphinxPostTransform):
    default_priority = 8  # before MyST's resolver (9)

    def run(self, **kwargs):
        citations = {c.key: c for c in self.env.get_domain("cite").citations}
        equations = self.env.get_domain("math").equations  # label -> (docname, number)
        for node in list(self.document.findall(pending_xref)):
            target = node.get("reftarget")
            if node.get("reftype") != "myst" or not node.get("refexplicit"):
                continue
            if target in citations:
                citation = citations[target]
                entry = citation.tooltip_entry or citation.formatted_entry
                docname, anchor = citation.bibliography_key.docname, citation.citation_id
                title = entry.text.render_as("text")
            elif target in equations:
                docname, title = equations[target][0], None
                anchor = nodes.make_id(f"equation-{target}")
            else:
                continue
            text = node[0].deepcopy()  # the link's own text (refexplicit)
            node.replace_self(
                make_refnode(self.app.builder, self.env.docname, docname, anchor, text, title)
            )


def setup(app):
    app.add_post_transform(Links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

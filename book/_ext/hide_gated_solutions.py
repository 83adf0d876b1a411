"""Student edition: leave every exercise's solution out of the pages.

sphinx-exercise's own ``hide_solutions`` option drops ``{solution}`` blocks
but not gated ones (``{solution-start}`` ... ``{solution-end}``, which the
chapters use for solutions with code cells): in sphinx-exercise 1.2.1 their
content stays on the page and the orphaned end marker crashes the HTML writer
("unknown node type: solution_end_node"). This extension takes the option
over: with ``hide_solutions: true`` it lets sphinx-exercise build every
solution as usual, then removes the finished solution nodes, gated or not.
With ``hide_solutions: false`` (the website) it does nothing.
"""

from __future__ import annotations

from sphinx.transforms import SphinxTransform
from sphinx_exercise.nodes import solution_node


def _take_over_option(app, config) -> None:
    config.student_edition = bool(config.hide_solutions)
    config.hide_solutions = False


class RemoveSolutions(SphinxTransform):
    """Remove every solution, after sphinx-exercise has merged the gated ones."""

    default_priority = 20  # sphinx-exercise's MergeGatedSolutions runs at 10

    def apply(self, **kwargs) -> None:
        if not self.config.student_edition:
            return
        for node in list(self.document.findall(solution_node)):
            node.parent.remove(node)


def setup(app):
    app.setup_extension("sphinx_exercise")
    app.add_config_value("student_edition", False, "env")
    app.connect("config-inited", _take_over_option)
    app.add_transform(RemoveSolutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

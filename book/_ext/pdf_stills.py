"""In the PDF, show each animation and "Try it" widget as a still, pointing to the website.

An animation player (``kmlib.plot.animation_html``: matplotlib's ``to_jshtml``)
and a "Try it" widget (an HTML output whose markup carries ``data-widget``) are
``text/html`` outputs, which the LaTeX builder cannot show: myst-nb would fall
back to their ``text/plain`` form (``<IPython.core.display.HTML object>``). For
the LaTeX builder only, this post-transform replaces each such output, before
myst-nb picks a mime type (its ``SelectMimeType``, priority 4), with

* the bundle's ``image/png`` if it has one (a widget's static figure), else
* the animation's first frame (the first PNG embedded in the player), else
* nothing but the note below;

followed by an italic note: "Still frame of an animation: it plays on the website,
<page URL>" (for a widget: "Interactive widget: try it on the website, <URL>").
The still is not a numbered figure, so the PDF's figure numbers stay those of
the website. Source code shown with ``IPython.display.Code`` (Pygments LaTeX
that cannot sit where myst-nb puts it) becomes a plain highlighted code block.
The page URL is ``html_baseurl`` + the page's path when ``html_baseurl`` is
set, else the repository's URL (``html_theme_options.repository_url``).

For the same PDF build, it also makes the numbers those of the website
(chapters, and per chapter figures, equations and exercises: 2.1, 2.2, ...):
LaTeX's chapter counter follows the numbered part of ``_toc.yml``
(:class:`ChapterNumbers`), links to exercises resolve (:class:`ExerciseNumbers`),
and sphinx-jupyterbook-latex's ``numfig_secnum_depth = 2`` applies to the LaTeX
writer only (:func:`_restore_secnum_depth`). It ships a stand-in ``bbm.sty``
(``pdf_latex/``) with the .tex, for Jupyter Book's LaTeX class. The HTML build
is untouched.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

#: The first frame of a ``to_jshtml`` player: ``frames[0] = "data:image/png;base64,..."``.
FIRST_PNG = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=\\\s]+)")
ANIMATION = re.compile(r"""<img\s[^>]*id=["']_anim_img""")
WIDGET = re.compile(r"""\sdata-widget(?:[\s=>])""")


def _html_of(bundle: nodes.Element) -> str | None:
    """The raw HTML of a myst-nb mime bundle (None if it has no ``text/html``)."""
    for child in bundle.children:
        if child.get("mime_type") == "text/html":
            return "".join(n.astext() for n in child.findall(nodes.raw))
    return None


def _png_of(bundle: nodes.Element) -> nodes.Element | None:
    """The ``image/png`` alternative of a mime bundle, as myst-nb rendered it."""
    for child in bundle.children:
        if child.get("mime_type") == "image/png" and child.children:
            return child
    return None


def _pygments_code(bundle: nodes.Element) -> nodes.literal_block | None:
    """Source code shown with ``IPython.display.Code`` as a literal block (None otherwise).

    Its ``text/latex`` is Pygments' ``Verbatim`` environment, which myst-nb would
    put inside a math block (LaTeX cannot compile that); its ``text/plain`` is the
    source, which Sphinx highlights itself.
    """
    mimes = {child.get("mime_type"): child for child in bundle.children}
    latex, plain = mimes.get("text/latex"), mimes.get("text/plain")
    if (
        latex is None
        or plain is None
        or "\\begin{Verbatim}" not in latex.astext()
    ):
        return None
    source = plain.astext()
    return nodes.literal_block(source, source, language="python")


def _pages(document: nodes.document, default: str) -> dict[int, str]:
    """The page of each mime bundle (LaTeX inlines every page into one document).

    Sphinx wraps each inlined page in a ``start_of_file`` node but leaves its
    top-level nodes' ``parent`` on the page's own tree, so the page is found by
    walking down from each ``start_of_file``, not up from the bundle.
    """
    from sphinx import addnodes

    pages = {id(n): default for n in document.findall(_is_bundle)}
    for start in document.findall(addnodes.start_of_file):  # outer pages first
        for bundle in start.findall(_is_bundle):
            pages[id(bundle)] = start["docname"]
    return pages


def _is_bundle(node: nodes.Node) -> bool:
    return (
        isinstance(node, nodes.container)
        and node.get("nb_element") == "mime_bundle"
    )


def first_frame(html: str) -> bytes | None:
    """The bytes of the first PNG embedded in ``html`` (None if none decodes).

    Examples
    --------
    >>> png = base64.b64encode(b"\\x89PNG\\r\\n\\x1a\\nrest").decode()
    >>> first_frame(f'frames[0] = "data:image/png;base64,{png}";')[:4]
    b'\\x89PNG'
    >>> first_frame("<p>no image</p>") is None
    True
    """
    match = FIRST_PNG.search(html)
    if match is None:
        return None
    data = re.sub(r"[\\\s]", "", match.group(1))
    try:
        png = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None
    return png if png.startswith(b"\x89PNG") else None


def page_url(config, docname: str) -> str:
    """Where the page ``docname`` lives on the website (or the repository, if unknown)."""
    base = (config.html_baseurl or "").strip()
    if base:
        return base.rstrip("/") + "/" + docname + ".html"
    options = config.html_theme_options or {}
    return options.get("repository_url") or "the book's website"


class PdfStills(SphinxPostTransform):
    """Replace animation players and widgets by a still and a note (LaTeX builder only)."""

    default_priority = (
        3  # before myst-nb's SelectMimeType (4) drops the text/html
    )
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        pages = _pages(self.document, self.env.docname)
        for bundle in list(self.document.findall(_is_bundle)):
            code = _pygments_code(bundle)
            if code is not None:
                bundle.replace_self(code)
                continue
            html = _html_of(bundle)
            if html is None:
                continue
            if ANIMATION.search(html):
                kind, verb = "Animation", "it plays"
            elif WIDGET.search(html):
                kind, verb = "Interactive widget", "try it"
            else:
                continue
            docname = pages[id(bundle)]
            bundle.replace_self(self._still(bundle, html, kind, verb, docname))

    def _still(
        self, bundle, html: str, kind: str, verb: str, docname: str
    ) -> list[nodes.Element]:
        url = page_url(self.config, docname)
        out: list[nodes.Element] = []
        png = _png_of(bundle)
        if png is not None:
            out.extend(png.children)
        else:
            frame = first_frame(html) if kind == "Animation" else None
            if frame is not None:
                out.append(self._image(frame, docname, kind))
        note = nodes.paragraph(classes=["pdf-still-note"])
        what = (
            "Still frame of an animation"
            if out and kind == "Animation"
            else kind
        )
        note += nodes.emphasis(text=f"{what}: {verb} on the website, ")
        if url.startswith("http"):
            note += nodes.reference(text=url, refuri=url)
        else:
            note += nodes.emphasis(text=url)
        note += nodes.emphasis(text=".")
        out.append(note)
        return out

    def _image(self, png: bytes, docname: str, kind: str) -> nodes.image:
        """The PNG written under the build folder and registered as the page's image."""
        srcdir = Path(self.app.srcdir)
        folder = Path(self.app.outdir) / "_pdf_stills"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{hashlib.sha1(png).hexdigest()[:16]}.png"
        path.write_bytes(png)
        # Sphinx's image URIs: relative to the source folder, POSIX, with a leading "/".
        try:
            rel = path.resolve().relative_to(srcdir.resolve()).as_posix()
        except ValueError:  # the build folder is outside the sources
            rel = path.resolve().as_posix()
        self.env.images.add_file(docname, rel)
        image = nodes.image(
            uri=rel, alt=f"{kind}, first frame", candidates={"image/png": rel}
        )
        image["width"] = "70%"
        return image


class ExerciseNumbers(SphinxPostTransform):
    """Point ``{numref}`` links to exercises at the label sphinx-exercise writes.

    sphinx-exercise labels an exercise ``exercise:<label>`` in LaTeX, so Sphinx's
    ``\\ref`` to it prints "??". The link keeps the text Sphinx resolved
    ("Exercise 2.3", the website's number) and targets that label.
    """

    default_priority = 21  # after Sphinx resolves references (10)
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        from sphinx import addnodes
        from sphinx_exercise.nodes import (
            exercise_enumerable_node,
            exercise_latex_number_reference,
        )

        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for ref in list(self.document.findall(addnodes.number_reference)):
            label = ref.get("refid") or ref.get("refuri", "").rpartition("#")[2]
            target = registry.get(label, {}).get("node")
            if isinstance(target, exercise_enumerable_node):
                link = exercise_latex_number_reference(
                    refid=target.get("label", label)
                )
                link += ref.children
                ref.replace_self(link)


class ChapterNumbers(SphinxPostTransform):
    """Give LaTeX the website's chapter numbers.

    LaTeX numbers every ``\\chapter``, front and back matter included, while the
    website numbers only the chapters of the numbered part of ``_toc.yml``. At
    the start of each page this sets LaTeX's chapter counter to the website's
    number (numbered pages) or turns numbering off (other pages), so chapter,
    figure and equation numbers in the PDF are those of the website.
    """

    default_priority = 900
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        from sphinx import addnodes

        for start in self.document.findall(addnodes.start_of_file):
            number = self.env.toc_secnumbers.get(start["docname"], {}).get("")
            if (
                number
            ):  # chapters, sections and subsections numbered, as on the website
                tex = f"\\setcounter{{secnumdepth}}{{2}}\\setcounter{{chapter}}{{{number[0] - 1}}}"
            else:
                tex = "\\setcounter{secnumdepth}{-1}"
            start.insert(0, nodes.raw("", tex + "\n", format="latex"))


def _remember_secnum_depth(app, config) -> None:
    app.kmlib_numfig_secnum_depth = config.numfig_secnum_depth


def _restore_secnum_depth(app) -> None:
    """Undo sphinx-jupyterbook-latex's ``numfig_secnum_depth = 2`` while Sphinx numbers.

    That extension raises the depth for a book with parts because Sphinx's
    LaTeX writer counts the depth from ``\\part``; but Sphinx's own numbering
    (exercises, ``{numref}`` texts) counts it from the chapter, so with 2 the
    exercises of the PDF read "1.10.1" (chapter, section, exercise) where the
    website says "1.1". The configured depth is used while Sphinx numbers, and
    the writer's depth (one more under parts) is set back once it has.
    """
    if app.builder.format == "latex":
        app.config.numfig_secnum_depth = app.kmlib_numfig_secnum_depth


def _writer_secnum_depth(app, doctree, docname) -> None:
    # After Sphinx numbered (when writing starts), before the LaTeX writer reads it.
    if (
        app.builder.format == "latex"
        and app.config.latex_toplevel_sectioning == "part"
    ):
        app.config.numfig_secnum_depth = app.kmlib_numfig_secnum_depth + 1


def _add_latex_files(app, config) -> None:
    """Ship the ``bbm.sty`` stand-in (see ``pdf_latex/bbm.sty``) with the book's .tex."""
    shim = Path(__file__).with_name("pdf_latex") / "bbm.sty"
    files = list(config.latex_additional_files or [])
    if str(shim) not in files:
        config.latex_additional_files = [*files, str(shim)]


def setup(app):
    app.add_post_transform(PdfStills)
    app.add_post_transform(ExerciseNumbers)
    app.add_post_transform(ChapterNumbers)
    app.connect("config-inited", _add_latex_files)
    app.connect("config-inited", _remember_secnum_depth)
    app.connect("builder-inited", _restore_secnum_depth, priority=900)
    app.connect("doctree-resolved", _writer_secnum_depth)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

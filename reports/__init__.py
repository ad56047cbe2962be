"""Reasoning reports (Markdown, HTML, PDF) and the figures shared with the app.

A report is laid out once, as blocks (reports/blocks.py), by the builder of its kind
(case.py, scenario.py, history.py), from the one result of the engine; none re-derives
reasoning. The renderers (markdown.py, html.py, pdf.py, and writing.py that picks one
for a format) format blocks and know no kind of result. Files are written through
app/export.py (``write(result, path, fmt, paper)``), which picks the kind's builder.

    report_blocks(result, output=Output(...))      a case's Report (reports/case.py)
    render_markdown(report, image_stem)            str (images named image_stem-chain.svg, ...)
    render_html(report)                            str, one self-contained page
    write_blocks(report, fmt, path, paper)         a Report to a file in md, html or pdf
    (the figures themselves are laid out in presentation.figures, with no Qt)
"""

_EXPORTS = {
    "render_html": "html",
    "render_markdown": "markdown",
    "write_blocks": "writing",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> object:
    # Imported on first use: the app imports this package without loading every renderer.
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

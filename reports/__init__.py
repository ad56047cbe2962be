"""Reasoning reports (Markdown, HTML, PDF) and the figures shared with the app.

Every format renders the one Result of the engine (built with ``extras=True``);
none re-derives reasoning. JSON is assembled once per kind of result (export.json_data).

    export.write(result, path, fmt, paper)        any result (a case's, a scenario's), fmt in FORMATS
    write_report(result, fmt, path, paper="a4")   a case's result (the same, kept for its callers)
    FORMATS                                        fmt -> file-dialog filter text
    FORMAT_NAMES                                   fmt -> what was written ('a PDF report')
    format_for_path(path)                          the fmt a file name's extension asks for, or None
    render_markdown(result, image_stem)            str (images named image_stem-chain.svg, ...)
    render_html(result)                            str, one self-contained page
    (the figures themselves are laid out in presentation.figures, with no Qt)
"""

_EXPORTS = {
    "FORMATS": "export",
    "FORMAT_NAMES": "export",
    "format_for_path": "export",
    "write_report": "export",
    "render_html": "html",
    "render_markdown": "markdown",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> object:
    # Imported on first use: the app imports this package without loading every renderer.
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

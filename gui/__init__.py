"""Alliance Advisor's desktop app (PySide6).

It renders the one Result the engine in ``rules/`` produces and never re-derives
reasoning. ``gui.app.run_app`` is the entry point; nothing here is imported by
``rules/``.
"""

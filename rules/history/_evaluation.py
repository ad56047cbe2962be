"""Placeholder: the evaluation of the at-risk panel (the field's measures) lands here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def evaluate_panel(
    panel: dict[str, np.ndarray],
    *,
    held_out_from: int,
    eras: Sequence[tuple[int, int]],
    seed: int,
    clean_years: Sequence[int],
) -> dict[str, Any]:
    return {}

"""A band of a scale: a level and the range of values it covers.

One type for every banded reading in the project: the rule program's threat score
(rules.yaml: a level for every score up to a bound, rising) and the scenario mapping's
shares and ratios (derivation.yaml: a level from a bound up, highest first). A band
holds the values from ``at_least`` up to ``up_to`` (either end open), so both files
read the same way once loaded.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Band:
    level: str
    at_least: float = -math.inf  # the lowest value in the band (derivation.yaml's bands)
    up_to: float = math.inf  # the highest value in the band (rules.yaml's score bands)

    def holds(self, value: float) -> bool:
        return self.at_least <= value <= self.up_to


def band_of(bands: Sequence[Band], value: float) -> Band:
    """The first band (in the declared order) that holds the value: for bands declared
    highest first by ``at_least``, the highest the value reaches."""
    return next(b for b in bands if b.holds(value))

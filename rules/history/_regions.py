"""The world's regions by COW state code, as the Correlates of War codebook groups them.

COW state codes are numbered by region (State System Membership codebook, v2016): the
Americas 2-199, Europe 200-399, Africa 400-626, the Middle East 630-699 and Asia (with
Oceania) 700-999. A region is the filter of ``history --region`` and of the History
window; the system itself is always the whole state system (a region's states face
threats from outside it too).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Region:
    key: str  # what --region takes
    name: str  # as a sentence says it
    first: int  # the first and last COW code of the region
    last: int

    def holds(self, ccode: int) -> bool:
        return self.first <= ccode <= self.last


REGIONS: tuple[Region, ...] = (
    Region(key="americas", name="the Americas", first=2, last=199),
    Region(key="europe", name="Europe", first=200, last=399),
    Region(key="africa", name="Africa", first=400, last=626),
    Region(key="middle_east", name="the Middle East", first=630, last=699),
    Region(key="asia", name="Asia and Oceania", first=700, last=999),
)


def region(key: str) -> Region | None:
    """The region a user named (``middle-east``, ``Middle East`` and ``middle_east`` alike)."""
    want = key.strip().lower().replace("-", "_").replace(" ", "_").removeprefix("the_")
    return next((r for r in REGIONS if r.key == want), None)


def region_of(ccode: int) -> Region | None:
    return next((r for r in REGIONS if r.holds(ccode)), None)

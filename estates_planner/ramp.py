"""The contract ramp: which share of each need is active in each contract year.

A plain domain object (no file format: ``io/ramp.py`` reads ``ramp.csv``), below the
optimiser, which plans the years with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from estates_planner.model import Lot, ServiceNeed


@dataclass(frozen=True, slots=True)
class RampRow:
    lot: Lot
    provider: str  # "" for every provider
    need_id: str  # "" for every need of the lot (or provider)
    year: int
    share: Fraction

    @property
    def specificity(self) -> int:
        """2 for a need's own row, 1 for a provider's, 0 for the lot's."""
        return 2 if self.need_id else 1 if self.provider else 0


@dataclass(frozen=True)
class Ramp:
    """Year shares by lot, provider and need; no rows means every share is 1."""

    rows: tuple[RampRow, ...] = ()

    def __post_init__(self) -> None:
        index: dict[tuple[Lot, str, str, int], Fraction] = {}
        for r in self.rows:
            index[(r.lot, r.provider, r.need_id, r.year)] = r.share
        object.__setattr__(self, "_index", index)

    def share(self, need: ServiceNeed, year: int) -> Fraction:
        """The share of ``need`` active in contract ``year`` (1-based): the most specific row."""
        index = self._index  # type: ignore[attr-defined]
        for key in ((need.lot, need.provider, need.need_id, year),
                    (need.lot, "", need.need_id, year),
                    (need.lot, need.provider, "", year),
                    (need.lot, "", "", year)):
            if key in index:
                return index[key]
        return Fraction(1)

    @property
    def years(self) -> int:
        """The last year any row names (0 without rows)."""
        return max((r.year for r in self.rows), default=0)


def format_share(share: Fraction) -> str:
    """An exact decimal when there is one (0.6, 1, 0.125), else the fraction ('1/3')."""
    decimal = Decimal(share.numerator) / Decimal(share.denominator)
    if Fraction(decimal) == share:
        text = format(decimal, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"{share.numerator}/{share.denominator}"

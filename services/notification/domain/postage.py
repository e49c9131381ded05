"""The postage and fee tariff: effective-dated data, checked when it is built.

Postage changes (2023-10-01, 2024-10-01) and fees change (2025-04-01, assumed), so
amounts live in `data/postage.yaml` where an operator can correct them without a
release; `adapters/tariff.py` reads it at start-up and the planners receive the
`Tariff`. A notice quotes the rates in force on the decision date.
"""

from collections.abc import Sequence
from datetime import date
from typing import Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, model_validator

from contracts.application import Procedure


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class _Period(_Data):
    starts_on: date | None = Field(default=None, alias="from")
    """None only for a table's first period, which covers every earlier date."""


class Postage(_Period):
    registered_surcharge: PositiveInt
    standard_letter: PositiveInt
    return_envelope: PositiveInt
    letterpack_plus: PositiveInt

    @model_validator(mode="after")
    def _envelope_adds_up(self) -> Self:
        if self.return_envelope != self.standard_letter + self.registered_surcharge:
            raise ValueError(
                f"return_envelope {self.return_envelope} from {self.starts_on} is not standard_letter "
                f"{self.standard_letter} + registered_surcharge {self.registered_surcharge}"
            )
        return self


class Fee(_Period):
    online: PositiveInt
    counter: PositiveInt


P = TypeVar("P", bound=_Period)


def _in_force(periods: Sequence[P], on: date) -> P | None:
    current = None
    for period in periods:
        if period.starts_on is None or period.starts_on <= on:
            current = period
    return current


def _check_order(name: str, periods: Sequence[_Period]) -> None:
    if not periods:
        raise ValueError(f"{name}: no periods")
    starts = [p.starts_on for p in periods[1:]]
    if any(start is None for start in starts):
        raise ValueError(f"{name}: only the first period may omit `from`")
    dated = [s for s in [periods[0].starts_on, *starts] if s is not None]
    if dated != sorted(set(dated)):
        raise ValueError(f"{name}: periods must be in strictly increasing `from` order")


class Rates(_Data):
    """What is in force on one day."""

    on: date
    postage: Postage
    fees: dict[Procedure, Fee]
    extra_activity_document: bool
    """An extra-activity permission received by post is a separate document (since 2024-01)."""

    def fee(self, procedure: Procedure) -> int | None:
        """The revenue stamp an online filer pays for a grant of `procedure`, if any."""
        fee = self.fees.get(procedure)
        return fee.online if fee is not None else None


class Tariff(_Data):
    postage: tuple[Postage, ...]
    fees: dict[Procedure, tuple[Fee, ...]]
    extra_activity_document_from: date

    @model_validator(mode="after")
    def _periods_in_order(self) -> Self:
        _check_order("postage", self.postage)
        for procedure, fees in self.fees.items():
            _check_order(f"fees.{procedure}", fees)
        return self

    def on(self, day: date) -> Rates:
        postage = _in_force(self.postage, day)
        if postage is None:
            raise ValueError(f"no postage tariff in force on {day}")
        fees = {p: fee for p, periods in self.fees.items() if (fee := _in_force(periods, day)) is not None}
        return Rates(
            on=day,
            postage=postage,
            fees=fees,
            extra_activity_document=day >= self.extra_activity_document_from,
        )

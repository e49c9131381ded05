"""How long an approval (利用申出) lasts, as effective-dated data (`data/validity.yaml`).

The rule in force on the day the bureau decides (an approval's `approved_on`, a periodic
report's `accepted_on`) sets the length of the period that decision opens and when its
reminder and report deadline fall. The rules are handed in already read
(`adapters/validity_file.py`); this module only checks and applies them.
"""

from datetime import date
from itertools import pairwise

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.calendar import add_months


class ValidityRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    effective_from: date
    period_months: int = Field(gt=0)
    reminder_months_before_expiry: int = Field(gt=0)
    report_due_months_before_expiry: int = Field(gt=0)
    source: str = ""

    @model_validator(mode="after")
    def _offsets_fall_inside_the_period(self) -> "ValidityRule":
        # The schedule relies on reminder < deadline < expiry, each on a distinct day.
        if not (self.report_due_months_before_expiry < self.reminder_months_before_expiry < self.period_months):
            raise ValueError("need report_due_months_before_expiry < reminder_months_before_expiry < period_months")
        return self


class Period(BaseModel):
    """One validity period and the dates its schedule runs on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    starts_on: date
    valid_until: date
    """Exclusive: the first day the approval is no longer valid."""
    reminder_on: date
    report_due_by: date


class ValidityRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rules: tuple[ValidityRule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _rules_are_in_date_order(self) -> "ValidityRules":
        dates = [rule.effective_from for rule in self.rules]
        if any(earlier >= later for earlier, later in pairwise(dates)):
            raise ValueError("rules must be listed by strictly increasing effective_from")
        return self

    def rule_on(self, day: date) -> ValidityRule:
        """The rule in force on `day`; a day before the first rule is an error in the event, not a default."""
        in_force = [rule for rule in self.rules if rule.effective_from <= day]
        if not in_force:
            raise ValueError(f"no validity rule in force on {day.isoformat()}")
        return in_force[-1]

    def period(self, decided_on: date, starts_on: date) -> Period:
        """The period a decision on `decided_on` opens, running from `starts_on`."""
        rule = self.rule_on(decided_on)
        valid_until = add_months(starts_on, rule.period_months)
        return Period(
            starts_on=starts_on,
            valid_until=valid_until,
            reminder_on=add_months(valid_until, -rule.reminder_months_before_expiry),
            report_due_by=add_months(valid_until, -rule.report_due_months_before_expiry),
        )

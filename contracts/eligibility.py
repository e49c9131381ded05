"""Events eligibility writes: whether an application may be filed online, and why not."""

from datetime import date, datetime

from contracts.application import Identifier, PlainText
from contracts.base import Payload


class Reason(Payload):
    """One failing rule: a stable code and a message in both languages."""

    code: Identifier
    message_ja: PlainText
    message_en: PlainText


class ApplicationAssessed(Payload):
    """The decision on one application: eligible for online filing, or not with every reason."""

    application_id: Identifier
    eligible: bool
    reasons: tuple[Reason, ...] = ()
    ruleset_version: str
    """The rule set applied; "none" when no rule set was in force on the filing date (then not eligible,
    with the one reason `no_rules_in_force`)."""
    rules_date: date
    """The filing date whose rules in force were applied."""
    assessed_at: datetime

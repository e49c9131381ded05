"""A varied pool of plausible applications with their organisation facts, to time `assess` on a mix.

Each application is built from the factories' parts (the category's filer and its
approval, an applicant, the documents the rules in force on its filing date require)
and varied at random: every filer category and procedure, about half eligible, the
rest breaking one or two rules. `bench/eligibility_assess.py` times `assess` over it.
"""

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from contracts.application import (
    Application,
    ApplicationForm,
    FilerCategory,
    Procedure,
    ReceiptMethod,
    Relationship,
    StatusOfResidence,
)
from services.eligibility.domain import OrganisationFacts, OrganisationKind, RuleSet
from services.eligibility.domain.approvals import StaffStanding

from .factories import ACME, OWN_ORGANISATION, applicant, approval, attachments_for, filer, rules_on

Case = tuple[Application, OrganisationFacts, RuleSet, date]
"""The arguments of `assess`."""

SEED = 20250602
IN_SCOPE = ["engineer_humanities_international", "student", "dependent", "specified_skilled_worker", "nursing_care"]
OUT_OF_SCOPE = ["temporary_visitor", "diplomat", "permanent_resident"]
PROCEDURE_WEIGHTS = {
    Procedure.CERTIFICATE_OF_ELIGIBILITY: 30,
    Procedure.CHANGE_OF_STATUS: 14,
    Procedure.EXTENSION_OF_STAY: 40,
    Procedure.EMPLOYMENT_CERTIFICATE: 2,
    Procedure.REENTRY_PERMIT: 1,
    Procedure.EXTRA_ACTIVITY_PERMISSION: 1,
}
LISTED_STAFF = {f"filer-{i}": StaffStanding(intermediary=True) for i in range(0, 50, 2)}
"""Every approval lists the even-numbered filers; odd numbers are not listed."""


def status(rng: random.Random) -> StatusOfResidence:
    """Mostly in scope; now and then out of scope, or technical intern training of either type."""
    roll = rng.random()
    if roll < 0.05:
        return StatusOfResidence(code=rng.choice(OUT_OF_SCOPE))
    if roll < 0.15:
        return StatusOfResidence(code="technical_intern_training", subtype=rng.choice(["company", "supervised"]))
    return StatusOfResidence(code=rng.choice(IN_SCOPE))


def _lapses(rng: random.Random) -> dict[str, Any]:
    """Now and then a filer without a verified My Number card, in another relationship, or abroad."""
    lapses: dict[str, Any] = {}
    if rng.random() >= 0.97:
        lapses["my_number_card_verified_at"] = None
    if rng.random() >= 0.97:
        lapses["relationship"] = rng.choice(list(Relationship))
    if rng.random() < 0.01:
        lapses["filing_from_abroad"] = True
    return lapses


def varied(rng: random.Random, index: int, filing_date: date) -> tuple[Application, OrganisationFacts]:
    """A plausible filing on `filing_date` and the facts of the filer's organisation."""
    category = rng.choice(list(FilerCategory))
    procedure = rng.choices(list(PROCEDURE_WEIGHTS), weights=list(PROCEDURE_WEIGHTS.values()))[0]
    coe = procedure is Procedure.CERTIFICATE_OF_ELIGIBILITY
    accompanying: tuple[Procedure, ...] = ()
    if procedure in (Procedure.CHANGE_OF_STATUS, Procedure.EXTENSION_OF_STAY) and rng.random() < 0.3:
        accompanying = (rng.choice([Procedure.REENTRY_PERMIT, Procedure.EXTRA_ACTIVITY_PERMISSION]),)
    organisation = OWN_ORGANISATION.get(category)
    staff_number = rng.randrange(0, 50, 2) if rng.random() < 0.97 else 1
    the_filer = filer(category, filer_id=f"filer-{staff_number}", **_lapses(rng))
    child = category in (FilerCategory.LEGAL_REPRESENTATIVE, FilerCategory.RELATIVE)
    the_applicant = applicant(
        category,
        date_of_birth=date(rng.randint(2012, 2018) if child else rng.randint(1960, 2005), rng.randint(1, 12), 1),
        in_japan=not coe or rng.random() < 0.02,
        current_status=None if coe else status(rng),
        period_of_stay_days=None if coe else rng.choice([90, 180, 365, 365, 1095, 1825]),
        stay_expires_on=None if coe else filing_date + timedelta(days=rng.choice([0, 1, 30, 60, 85, 120])),
    )
    receipt = (
        ReceiptMethod.EMAIL
        if coe and rng.random() < 0.5
        else rng.choice([ReceiptMethod.COUNTER] * 3 + [ReceiptMethod.POST])
    )
    form = ApplicationForm(
        procedure=procedure,
        accompanying=accompanying,
        requested_status=status(rng) if procedure is not Procedure.EXTENSION_OF_STAY else None,
        receipt_method=receipt,
        receiving_organisation_id=ACME if organisation else None,
        attachments=tuple(
            attachment
            for attachment in attachments_for(category, procedure, *accompanying, on=filing_date)
            if rng.random() < 0.99
        ),
    )
    facts = OrganisationFacts()
    if organisation:
        record = approval(
            category,
            approval_id=f"approval-{index}",
            valid_until=filing_date + timedelta(days=rng.choice([-1, 0, 90, 200, 300])),
            staff=LISTED_STAFF,
        )
        kind = OrganisationKind.SUPERVISING_BODY if rng.random() < 0.5 else OrganisationKind.OTHER
        facts = OrganisationFacts(approvals=(record,), organisation_kind=kind)
    sent = Application(
        submission_id=f"s-{index}",
        filer=the_filer,
        applicant=the_applicant,
        form=form,
        submitted_at=datetime(2025, 6, 2, tzinfo=UTC),
    )
    return sent, facts


def cases(size: int, seed: int = SEED) -> list[Case]:
    """`size` applications filed on one of nine Mondays from 2025-06-02, each with the rules then in force."""
    rng = random.Random(seed)
    filing_dates = [date(2025, 6, 2) + timedelta(days=d) for d in range(0, 60, 7)]
    pool = []
    for index in range(size):
        filing_date = filing_dates[index % len(filing_dates)]
        sent, facts = varied(rng, index, filing_date)
        pool.append((sent, facts, rules_on(filing_date), filing_date))
    return pool

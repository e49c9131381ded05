"""Time eligibility's `assess` on one core: N assessments of varied applications.

    uv run python bench/eligibility_assess.py [-n 50000] [--profile]

Builds a pool of distinct applications (every filer category and procedure, eligible
and refused, with approvals for organisation filers) before the clock starts, then
assesses them round-robin. Target: at least 20,000 assessments per second.
"""

import argparse
import cProfile
import pstats
import random
import time
from datetime import UTC, date, datetime, timedelta

from contracts.application import (
    Applicant,
    Application,
    ApplicationForm,
    Attachment,
    Filer,
    FilerCategory,
    Procedure,
    ReceiptMethod,
    Relationship,
    StatusOfResidence,
)
from contracts.organisations import ApprovalState
from services.eligibility.adapters.rule_files import load_ruleset
from services.eligibility.domain import ApprovalRecord, OrganisationFacts, OrganisationKind, assess
from services.eligibility.domain.approvals import StaffStanding

POOL = 2_000
IN_SCOPE = ["engineer_humanities_international", "student", "dependent", "specified_skilled_worker", "nursing_care"]
OUT_OF_SCOPE = ["temporary_visitor", "diplomat", "permanent_resident"]
DOCUMENTS = {
    Procedure.CERTIFICATE_OF_ELIGIBILITY: ["application_form", "photograph", "activity_evidence"],
    Procedure.CHANGE_OF_STATUS: [
        "application_form",
        "photograph",
        "passport_copy",
        "residence_card_copy",
        "activity_evidence",
    ],
    Procedure.EXTENSION_OF_STAY: [
        "application_form",
        "photograph",
        "passport_copy",
        "residence_card_copy",
        "activity_evidence",
    ],
    Procedure.EMPLOYMENT_CERTIFICATE: ["application_form", "residence_card_copy", "employment_evidence"],
    Procedure.REENTRY_PERMIT: ["reentry_permit_form"],
    Procedure.EXTRA_ACTIVITY_PERMISSION: ["extra_activity_form", "extra_activity_evidence"],
}
RELATIONSHIPS = {
    FilerCategory.LEGAL_REPRESENTATIVE: Relationship.GUARDIAN,
    FilerCategory.RELATIVE: Relationship.PARENT,
}
ORGANISATION_FILERS = {
    FilerCategory.ORGANISATION_STAFF: "org-acme",
    FilerCategory.PUBLIC_INTEREST_CORPORATION: "org-pic",
    FilerCategory.REGISTERED_SUPPORT_ORGANISATION: "org-rso",
}


def status(rng: random.Random) -> StatusOfResidence:
    """Mostly in scope; now and then out of scope, or technical intern training of either type."""
    roll = rng.random()
    if roll < 0.05:
        return StatusOfResidence(code=rng.choice(OUT_OF_SCOPE))
    if roll < 0.15:
        return StatusOfResidence(code="technical_intern_training", subtype=rng.choice(["company", "supervised"]))
    return StatusOfResidence(code=rng.choice(IN_SCOPE))


def application(rng: random.Random, index: int, filing_date: date) -> tuple[Application, OrganisationFacts]:
    """A plausible filing: about three in four pass; the rest break one or two rules."""
    category = rng.choice(list(FilerCategory))
    procedure = rng.choices(list(DOCUMENTS), weights=[30, 14, 40, 2, 1, 1])[0]
    coe = procedure is Procedure.CERTIFICATE_OF_ELIGIBILITY
    accompanying: tuple[Procedure, ...] = ()
    if procedure in (Procedure.CHANGE_OF_STATUS, Procedure.EXTENSION_OF_STAY) and rng.random() < 0.3:
        accompanying = (rng.choice([Procedure.REENTRY_PERMIT, Procedure.EXTRA_ACTIVITY_PERMISSION]),)
    organisation = ORGANISATION_FILERS.get(category)
    staff_number = rng.randrange(0, 50, 2) if rng.random() < 0.97 else 1  # odd numbers are not listed
    filer = Filer(
        filer_id=f"filer-{staff_number}",
        category=category,
        name="Filer",
        email="filer@example.jp",
        organisation_id=organisation,
        acting_for_organisation_id="org-acme" if organisation and organisation != "org-acme" else None,
        intermediary_id="gyosei-1" if category is FilerCategory.LAWYER_OR_SCRIVENER else None,
        my_number_card_verified_at=datetime(2025, 1, 1, tzinfo=UTC) if rng.random() < 0.97 else None,
        relationship=RELATIONSHIPS.get(category) if rng.random() < 0.97 else rng.choice(list(Relationship)),
        filing_from_abroad=rng.random() < 0.01,
    )
    child = category in RELATIONSHIPS
    applicant = Applicant(
        name="Applicant",
        nationality="VNM",
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
        receiving_organisation_id="org-acme" if organisation else None,
        attachments=tuple(
            Attachment(document_type=code, file_name=f"{code}.pdf", size_bytes=1000, sha256="0" * 64)
            for p in (procedure, *accompanying)
            for code in DOCUMENTS[p]
            if rng.random() < 0.99
        ),
    )
    facts = OrganisationFacts()
    if organisation:
        record = ApprovalRecord(
            approval_id=f"approval-{index}",
            organisation_id=organisation,
            category=category,
            employer_organisation_id="org-acme" if category is FilerCategory.REGISTERED_SUPPORT_ORGANISATION else None,
            state=ApprovalState.ACTIVE,
            valid_from=date(2025, 1, 1),
            valid_until=filing_date + timedelta(days=rng.choice([-1, 0, 90, 200, 300])),
            staff={f"filer-{i}": StaffStanding(intermediary=True) for i in range(0, 50, 2)},
            revision=1,
        )
        kind = OrganisationKind.SUPERVISING_BODY if rng.random() < 0.5 else OrganisationKind.OTHER
        facts = OrganisationFacts(approvals=(record,), organisation_kind=kind)
    sent = Application(
        submission_id=f"s-{index}",
        filer=filer,
        applicant=applicant,
        form=form,
        submitted_at=datetime(2025, 6, 2, tzinfo=UTC),
    )
    return sent, facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=50_000)
    parser.add_argument("--profile", action="store_true", help="print the 20 costliest functions")
    args = parser.parse_args()

    book = load_ruleset()
    rng = random.Random(20250602)
    filing_dates = [date(2025, 6, 2) + timedelta(days=d) for d in range(0, 60, 7)]
    cases = []
    for index in range(POOL):
        filing_date = filing_dates[index % len(filing_dates)]
        sent, facts = application(rng, index, filing_date)
        cases.append((sent, facts, book.in_force_on(filing_date), filing_date))
    eligible = sum(assess(*case).eligible for case in cases)  # warm-up, and the mix

    def run() -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        for i in range(args.n):
            assess(*cases[i % POOL])
        return time.perf_counter() - wall, time.process_time() - cpu

    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(run)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
        return
    wall, cpu = run()
    print(f"pool: {POOL} applications, {eligible} eligible ({eligible / POOL:.0%})")
    # CPU time is this process's own: on a shared machine wall time also counts other work.
    print(f"{args.n} assessments: {args.n / wall:,.0f}/s wall ({wall:.3f} s), {args.n / cpu:,.0f}/s CPU ({cpu:.3f} s)")
    print(f"{args.n / wall:,.0f} assessments/second (one core)")


if __name__ == "__main__":
    main()

"""The varied pool `bench/eligibility_assess.py` times `assess` over is built from the factories' parts."""

import random
from datetime import date

from contracts.application import FilerCategory
from services.eligibility.domain import assess

from .factories import attachments_for
from .pool import cases, varied


def test_the_pool_mixes_eligible_and_refused_applications() -> None:
    pool = cases(400)

    eligible = sum(assess(*case).eligible for case in pool)

    assert 0.3 * len(pool) < eligible < 0.9 * len(pool)


def test_a_pool_application_attaches_the_documents_the_rules_in_force_on_its_filing_date_require() -> None:
    """Before April 2025 a public-interest corporation attached the request letter too (rules 2022-03-14)."""
    rng, filed_on = random.Random(7), date(2025, 3, 3)
    applications = [varied(rng, index, filed_on)[0] for index in range(300)]

    complete = 0
    for application in applications:
        form = application.form
        required = {
            a.document_type
            for a in attachments_for(application.filer.category, form.procedure, *form.accompanying, on=filed_on)
        }
        attached = {a.document_type for a in form.attachments}
        assert attached <= required
        complete += attached == required
    assert complete >= 0.9 * len(applications)
    assert any(a.filer.category is FilerCategory.PUBLIC_INTEREST_CORPORATION for a in applications)

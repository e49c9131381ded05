"""Required attachments, by document_type code."""

from collections.abc import Iterator

from services.eligibility.domain.case import Case
from services.eligibility.domain.reasons import Finding, ReasonCode, finding


def required_documents_attached(case: Case) -> Iterator[Finding]:
    """Every procedure filed brings its checklist; some filer categories add their own."""
    rules = case.rules
    present = {attachment.document_type for attachment in case.form.attachments}
    extra = rules.filer_documents.get(case.filer.category)
    if len(case.procedures) == 1 and not extra and rules.documents[case.form.procedure] <= present:
        return  # the common case, decided by one subset test
    missing = set(extra or ()) - present
    for procedure in case.procedures:
        missing.update(rules.documents[procedure] - present)
    if missing:
        yield finding(ReasonCode.DOCUMENTS_MISSING, documents=", ".join(sorted(missing)))

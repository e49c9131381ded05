"""Who is told about an application is read from the application itself, in one place."""

from contracts.intake import Parties
from tests.unit.notification.samples import parties, received


def test_parties_of_an_application_are_its_filer_and_applicant() -> None:
    application = received().application

    assert Parties.of(application) == parties()


def test_an_applicant_without_an_email_address_is_told_through_the_filer() -> None:
    application = received(email=None).application

    assert Parties.of(application) == parties(applicant_email=None)

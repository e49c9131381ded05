"""Composition root of the eligibility service: what it consumes, what it produces, and how it is wired.

Consumes:
  intake.application-received.v1  -> decide whether the application may be filed online  [AssessApplications]
  reporting.approval-changed.v1   -> the projection of organisations' approvals          [ProjectApprovals]
Produces:
  eligibility.application-assessed.v1  one decision per received event, eligible or not with every reason;
                                       a redelivered event republishes its decision under the same id
Owns: the `eligibility` database: decisions (keyed by source event id), approvals (the projection); the
  chassis's parked_records (none today: nothing eligibility reads can come early).
Reads at start-up: the rule files in RULES_DIR; a bad one stops the service with a RuleFileError
  naming the file and the field.
"""

from chassis.clock import Clock, SystemClock
from chassis.service import Service
from contracts import topics as catalogue
from services.eligibility.adapters.approvals import INDEXES, MongoApprovals
from services.eligibility.adapters.decisions import MongoDecisions
from services.eligibility.adapters.publishing import KafkaDecisions
from services.eligibility.adapters.rule_files import load_ruleset
from services.eligibility.adapters.subscribers import on_approval_changed, on_received
from services.eligibility.handlers.assess import AssessApplications
from services.eligibility.handlers.project import ProjectApprovals
from services.eligibility.settings import EligibilitySettings

NAME = "eligibility"


def build(
    settings: EligibilitySettings, *, clock: Clock | None = None, name: str = NAME, topic_prefix: str = ""
) -> Service:
    """`name` names the consumer groups (`<name>.<topic>`) and the default database: tests and
    benchmarks run isolated copies under names of their own."""
    rules = load_ruleset(settings.rules_dir)  # before anything else: a bad rule file stops start-up here
    received = catalogue.INTAKE_APPLICATION_RECEIVED.prefixed(topic_prefix)
    approval_changed = catalogue.REPORTING_APPROVAL_CHANGED.prefixed(topic_prefix)
    assessed = catalogue.ELIGIBILITY_APPLICATION_ASSESSED.prefixed(topic_prefix)
    service = Service(name, settings, outputs=[assessed], description=__doc__ or "")

    approvals = MongoApprovals(service.database)
    decisions = MongoDecisions(service.database)
    publisher = KafkaDecisions(service.publisher, assessed)
    assess = AssessApplications(rules, approvals, decisions, publisher, clock or SystemClock())
    project = ProjectApprovals(approvals)

    service.consume(received, on_received(assess))
    service.consume(approval_changed, on_approval_changed(project))
    for collection, models in INDEXES.items():
        service.indexes(collection, models)
    return service

"""The dashboard runs against the same per-test topics, database and clock as the integration tests."""

from tests.integration.reporting.conftest import reporting

__all__ = ["reporting"]

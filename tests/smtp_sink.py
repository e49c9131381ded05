"""Placeholder until the SMTP sink lands."""


class SmtpSink:  # pragma: no cover
    pass

"""Intake's use cases, over the ports in `ports`: they call the domain and do every read and write.

- `submit`: store submissions (portal topic and HTTP alike), number them, announce them.
- `progress`: move applications on assessments, examination steps, notices and withdrawals.
- `filer_access`: what one filer may read and do through the API.
- `outputs`: the events published, with ids derived from what happened.
- `outbox`: publishing pending events, by the writer at once and by the relay later.
"""

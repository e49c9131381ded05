"""Intake's pure domain: rules over frozen pydantic models, with no I/O and no clock.

- `application`: the `ApplicationState` aggregate and its timeline.
- `inputs`: everything that may move a status, as one `StatusInput` shape.
- `transitions` and `status`: the status machine, data tables applied by `advance`;
  `paths`: what an input's path allows from a status, now or later (early inputs).
- `numbering`: provisional and receipt number formats, and application ids.
- `pending_proof`: the proof of a pending application and its special period.
- `idempotency`: idempotency keys of HTTP commands.
- `dates`: calendar arithmetic in Japan time.

Handlers pass `now` in and do every read and write; nothing here imports a client.
"""

"""The document type intake's adapters read and write.

Every race intake settles (claims, markers, numbers, applications) is settled by
`chassis.mongo.insert_unless_taken`, the one conditional write FerretDB 1.x gets right:
an insert whose `_id` names what is claimed; a taken `_id` says who lost.
"""

from typing import Any

Document = dict[str, Any]

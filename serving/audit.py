"""The audit log of staff actions: who did what to which object, when. Append-only in the storage layer."""

from __future__ import annotations

import json
import logging
from typing import IO, Any

from serving.storage import Storage

log = logging.getLogger(__name__)

#: Actions written today (others may be added; readers must accept any string).
ACTIONS = (
    "login.success", "login.failure", "draft.create", "draft.save", "draft.sent",
    "curated.create", "curated.edit", "curated.retired", "curated.stale", "curated.active",
    "curated.export", "audit.export", "feedback.export",
    "document.upload", "document.retire", "document.restore",
)


def audit(storage: Storage, who: str, action: str, object_type: str = "", object_id: object = "",
          detail: dict[str, Any] | None = None) -> int:
    """Append one record; never raises into the caller's action (a failure is logged, the action stands)."""
    try:
        return storage.append_audit(who, action, object_type, object_id, detail)
    except Exception:
        log.exception("could not write audit record %s %s %s by %s", action, object_type, object_id, who)
        return 0


def export_jsonl(storage: Storage, out: IO[str]) -> int:
    n = 0
    for rec in storage.audit_records():
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n

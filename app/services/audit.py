"""The audit trail an auditor reads: who did what, when, in one time-ordered stream, with
what the caller's organisation may not see left out."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from app.domain.access import Viewer
from app.domain.audit import AuditRecord, ChainVerification
from app.domain.paging import AUDIT_TRAIL, WHOLE_LIST, Page, PageRequest, read_limit
from app.services.visibility import bom_visibility

if TYPE_CHECKING:
    from app.services.runtime import Runtime


def audit_trail(
    runtime: Runtime,
    viewer: Viewer | None,
    *,
    paging: PageRequest = WHOLE_LIST,
) -> Page[AuditRecord]:
    """The next `limit` records after `cursor`, oldest first. A cursor carries the last
    record's place in the trail's order (time, kind, id), never a record the viewer could
    not see: a place alone shows nothing, the page after it is read as the viewer."""
    after = AUDIT_TRAIL.after(paging.cursor, paging.where)
    with runtime.reading() as uow:
        records = uow.audit.records(
            after=after, limit=read_limit(paging.limit), boms_visible=bom_visibility(uow, viewer)
        )
    if viewer is not None and not viewer.sees_everything:
        # Gaps between sequence numbers would count what other organisations did; the
        # entry's hash tells nothing of them.
        records = [dataclasses.replace(record, chain_seq=None) for record in records]
    return AUDIT_TRAIL.page(
        records, paging.limit, lambda record: (record.at, record.kind, record.record_id)
    )


def verify_audit_chain(runtime: Runtime) -> ChainVerification:
    """Walk the audit chain from its first entry and check every audited record against
    it, in one consistent read: what was altered, deleted, inserted around it, or reordered."""
    with runtime.reading() as uow:
        return uow.chain.verify()

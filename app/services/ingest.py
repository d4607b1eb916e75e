"""Ingest one BOM: validate, translate, and store it atomically, idempotent by SHA-256."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.bom.reader import ReadBom, ReadLimits, read_bom, sha256_of
from app.domain.access import Viewer
from app.domain.bom import BomContents, EdgeKind, Identity, Mention, ReadWarning, ReadWarningCode
from app.domain.copying import copied
from app.domain.errors import BomRejectedError, Located, SubjectOwnedError
from app.domain.ids import BomId
from app.domain.ownership import OwnershipChange, OwnershipEventKind
from app.domain.statuses import Cause, CauseKind
from app.domain.stored import BomEnding, BomRecord, NewBom
from app.services.boms import BomView, bom_view
from app.services.collector import collector_paused
from app.services.status_work import bom_seeds, note_change
from app.services.webhooks import announce_ingested, refusals_announced
from app.store.boms import DocumentAlreadyStoredError
from app.store.components import NewComponent
from app.store.documents import PackedDocument, pack_document
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.services.runtime import Runtime

OCCURRENCE_COLUMNS = (
    "component_id", "bom_ref", "role", "location", "type", "name", "version",
    "supplier", "is_ai", "ai_reasons", "claimed_certificates", "hashes", "raw", "artifacts",
)  # fmt: skip
# `supersedes` naming every current BOM of the subject.
SUPERSEDE_ALL = "all"


@dataclass(frozen=True, slots=True)
class IngestResult:
    bom_id: BomId
    created: bool
    subject_id: int
    subject: str
    component_count: int
    ai_component_count: int
    edge_count: int
    warnings: tuple[ReadWarning, ...]
    # The BOMs this upload ended (`supersedes`), in id order.
    superseded: tuple[int, ...] = ()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _result(
    bom_id: int,
    row: NewBom | BomRecord,
    subject: str,
    *,
    created: bool,
    superseded: tuple[int, ...] = (),
) -> IngestResult:
    return IngestResult(
        bom_id=BomId(bom_id),
        created=created,
        subject_id=row.subject_id,
        subject=subject,
        component_count=row.component_count,
        ai_component_count=row.ai_component_count,
        edge_count=row.edge_count,
        warnings=tuple(
            ReadWarning(ReadWarningCode(w["code"]), w["message"], w["location"])
            for w in row.warnings
        ),
        superseded=superseded,
    )


def _owner(uow: UnitOfWork, organisation: str | None, now: dt.datetime, actor: str) -> int | None:
    if organisation is None:
        return None
    found, _ = uow.access.organisation_or_new(organisation, organisation, now, actor)
    return found.id


def _publishes(
    uow: UnitOfWork,
    subject_id: int,
    organisation_id: int | None,
    *,
    subject: str,
    actor: str,
    administrator: bool,
    now: dt.datetime,
) -> None:
    """Claim the subject for the organisation if nobody owns it, or make sure it may
    publish for it: the owner, an organisation it delegated to, or an administrator.
    Anyone else is refused, with nothing written and no one's private data named."""
    if organisation_id is None:
        return
    owner, claimed = uow.ownership.claim(subject_id, organisation_id, now)
    if claimed:
        uow.ownership.record(
            OwnershipChange(
                subject_id=subject_id,
                kind=OwnershipEventKind.CLAIMED,
                organisation_id=organisation_id,
                previous_organisation_id=None,
                reason="first BOM published for it",
                actor=actor,
                at=now,
            )
        )
        return
    if owner == organisation_id or administrator:
        return
    if organisation_id in uow.ownership.delegates(subject_id):
        return
    raise SubjectOwnedError(
        f"{subject} is published by another organisation; only its owner, or an "
        "organisation it delegates to, may publish BOMs for it"
    )


def _supersede(
    uow: UnitOfWork,
    bom_id: int,
    row: NewBom,
    supersedes: Sequence[str],
    *,
    actor: str,
    now: dt.datetime,
) -> tuple[int, ...]:
    """End the subject's current BOMs the upload names (by serial number, or all of them);
    naming a serial that is not among them is an error, so a typo never passes unseen."""
    if not supersedes:
        return ()
    current = [bom for bom in uow.boms.current_of_subject(row.subject_id) if bom.id != bom_id]
    wanted = list(dict.fromkeys(name.strip() for name in supersedes))
    if SUPERSEDE_ALL in wanted:
        ended = [
            bom
            for bom in current
            if bom.serial_number != row.serial_number or bom.serial_number is None
        ]
    else:
        serials = {bom.serial_number for bom in current}
        unknown = [
            Located(f"supersedes[{index}]", f"{name!r} is not a current BOM of this subject")
            for index, name in enumerate(wanted)
            if name not in serials and name != row.serial_number
        ]
        if unknown:
            raise BomRejectedError("supersedes names no current BOM of the subject", unknown)
        ended = [
            bom
            for bom in current
            if bom.serial_number in wanted and bom.serial_number != row.serial_number
        ]
    # One a concurrent upload or retirement has just ended is not this upload's to end.
    ended = [
        bom
        for bom in ended
        if uow.boms.end(
            BomEnding(
                bom_id=bom.id,
                kind="superseded",
                by_bom_id=bom_id,
                reason=f"superseded by BOM {bom_id}",
                actor=actor,
                at=now,
            )
        )
    ]
    return tuple(sorted(bom.id for bom in ended))


def _already_stored(uow: UnitOfWork, row: BomRecord) -> IngestResult:
    return _result(row.id, row, uow.boms.subject_names([row.id])[row.id], created=False)


def _distinct_components(contents: BomContents) -> list[NewComponent]:
    first: dict[Identity, Mention] = {}
    for mention in contents.mentions:
        first.setdefault(mention.identity, mention)
    return [copied(NewComponent, mention) for mention in first.values()]


def ingest_bom(
    runtime: Runtime,
    data: bytes,
    media_type: str | None,
    *,
    uploaded_by: str | None = None,
    organisation: str | None = None,
    supersedes: Sequence[str] = (),
    administrator: bool = False,
) -> IngestResult:
    """Store one document, or raise an ExportgateError naming what is wrong; nothing is
    written unless all of it is. The same bytes from the same organisation are one BOM;
    `supersedes` names current BOMs of the subject (serial numbers, or "all") it ends."""
    with (
        refusals_announced(runtime, data, organisation=organisation, uploaded_by=uploaded_by),
        runtime.writing() as uow,
    ):
        return _ingest(
            uow,
            data,
            media_type,
            runtime.limits,
            uploaded_by=uploaded_by,
            organisation=organisation,
            supersedes=supersedes,
            administrator=administrator,
        )


def publish_bom(
    runtime: Runtime,
    data: bytes,
    media_type: str | None,
    viewer: Viewer,
    *,
    uploaded_by: str,
    organisation: str,
    supersedes: Sequence[str] = (),
    administrator: bool = False,
) -> tuple[BomView, bool]:
    """`ingest_bom`, answered with the BOM as the uploader sees it, and whether it is new."""
    result = ingest_bom(
        runtime,
        data,
        media_type,
        uploaded_by=uploaded_by,
        organisation=organisation,
        supersedes=supersedes,
        administrator=administrator,
    )
    with runtime.reading() as uow:
        return bom_view(uow, result.bom_id, viewer), result.created


def _ingest(
    uow: UnitOfWork,
    data: bytes,
    media_type: str | None,
    limits: ReadLimits,
    *,
    uploaded_by: str | None,
    organisation: str | None,
    supersedes: Sequence[str],
    administrator: bool,
) -> IngestResult:
    """Within the caller's unit of work: commits it when the document is stored, leaves
    it uncommitted when the same bytes were stored already."""
    digest = sha256_of(data)
    owner = uow.access.organisation(organisation) if organisation is not None else None
    existing = uow.boms.find_by_sha256(digest, owner.id if owner is not None else None)
    if existing is not None:
        return _already_stored(uow, existing)
    with (
        collector_paused(),
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="pack") as packing,
    ):
        # Packing releases the GIL, so a second core compresses the document while this
        # one reads it.
        packed = packing.submit(pack_document, data)
        read = read_bom(data, media_type, limits, sha256=digest)
        try:
            return _store(
                uow,
                data,
                packed.result(),
                read,
                uploaded_by=uploaded_by,
                organisation=organisation,
                supersedes=supersedes,
                administrator=administrator,
            )
        except DocumentAlreadyStoredError as raced:
            # A concurrent upload of the same bytes won; idempotency means answering with it.
            # What this attempt wrote besides is never committed.
            organisation_row = (
                uow.access.organisation(organisation) if organisation is not None else None
            )
            stored = uow.boms.find_by_sha256(
                raced.sha256, organisation_row.id if organisation_row is not None else None
            )
            if stored is None:  # pragma: no cover - the repository has just seen it
                raise
            return _already_stored(uow, stored)


def _store(
    uow: UnitOfWork,
    data: bytes,
    packed: PackedDocument,
    read: ReadBom,
    *,
    uploaded_by: str | None,
    organisation: str | None,
    supersedes: Sequence[str],
    administrator: bool,
) -> IngestResult:
    contents = read.contents
    now = _now()
    ids = uow.components.ensure(_distinct_components(contents), now)
    subject_id = ids[contents.subject.identity]
    actor = uploaded_by or organisation or "unknown"
    organisation_id = _owner(uow, organisation, now, actor)
    _publishes(
        uow,
        subject_id,
        organisation_id,
        subject=contents.subject.display_name,
        actor=actor,
        administrator=administrator,
        now=now,
    )
    ref_to_id = {mention.ref: ids[mention.identity] for mention in contents.mentions}
    kinds = {kind: kind.value for kind in EdgeKind}
    # Distinct by component, in the order the document declares them.
    edges = list(
        dict.fromkeys(
            (ref_to_id[source], ref_to_id[target], kinds[kind])
            for source, target, kind in contents.edges
        )
    )
    bom = NewBom(
        sha256=read.sha256,
        media_type=read.media_type,
        format=contents.format.value,
        spec_version=contents.spec_version,
        serial_number=contents.serial_number,
        bom_version=contents.version,
        size_bytes=len(data),
        document=packed.payload,
        document_encoding=packed.encoding,
        subject_id=subject_id,
        is_inventory=contents.is_inventory,
        sector=contents.sector,
        human_oversight=contents.human_oversight,
        incomplete_aggregates=list(contents.incomplete_aggregates),
        warnings=[
            {"code": w.code.value, "message": w.message, "location": w.location}
            for w in contents.warnings
        ],
        component_count=len(ids) - 1,
        ai_component_count=len({m.identity for m in contents.mentions if m.is_ai}),
        edge_count=len(edges),
        uploaded_by=uploaded_by,
        uploaded_at=now,
        organisation_id=organisation_id,
    )
    bom_id = uow.boms.add(bom)
    uow.graph.add_occurrences(
        bom_id,
        OCCURRENCE_COLUMNS,
        (
            (
                ref_to_id[mention.ref],
                mention.ref,
                mention.role.value,
                mention.location,
                mention.type,
                mention.name,
                mention.version,
                mention.supplier,
                mention.is_ai,
                [reason.value for reason in mention.ai_reasons],
                [
                    {"number": claim.number, "source": claim.source.value, "url": claim.url}
                    for claim in mention.claimed_certificates
                ],
                [{"algorithm": h.algorithm, "value": h.value} for h in mention.hashes],
                mention.raw,
                list(mention.artifacts) or None,
            )
            for mention in contents.mentions
        ),
    )
    uow.graph.add_edges(bom_id, edges)
    uow.graph.add_links(
        bom_id,
        [
            (ref_to_id[mention.ref], link.serial_number, link.version, link.ref, mention.location)
            for mention in contents.mentions
            for link in mention.links
        ],
    )
    superseded = _supersede(uow, bom_id, bom, supersedes, actor=actor, now=now)
    ended_serials = [b.serial_number for b in uow.boms.many(superseded)]
    seeds = [
        seed
        for serial in {contents.serial_number, *ended_serials}
        for seed in bom_seeds(uow, subject_id, serial)
    ]
    note_change(uow, Cause(CauseKind.BOM_UPLOADED, bom_id=bom_id), seeds, at=now)
    subject = contents.subject.display_name
    announce_ingested(
        uow, bom_id, bom, subject=subject, organisation=organisation, superseded=superseded, now=now
    )
    uow.graph.record_changes("stored", [bom_id], now)
    uow.graph.record_changes("ended", superseded, now)
    uow.commit()
    return _result(bom_id, bom, subject, created=True, superseded=superseded)

"""Rows turned into the plain records the use cases read, so no row leaves the store."""

from __future__ import annotations

from app.domain.bom import AiReason
from app.domain.stored import BomEnding, BomRecord, ComponentRecord, OccurrenceRecord
from app.store.rows import BomEndingRow, BomRow, ComponentRow, OccurrenceRow


def component_record(row: ComponentRow) -> ComponentRecord:
    return ComponentRecord(
        row.id, row.identity_kind, row.identity_key, row.name, row.version, row.group, row.purl
    )


def bom_record(row: BomRow) -> BomRecord:
    return BomRecord(
        id=row.id,
        sha256=row.sha256,
        media_type=row.media_type,
        spec_version=row.spec_version,
        serial_number=row.serial_number,
        bom_version=row.bom_version,
        size_bytes=row.size_bytes,
        subject_id=row.subject_id,
        is_inventory=row.is_inventory,
        sector=row.sector,
        incomplete_aggregates=tuple(row.incomplete_aggregates),
        warnings=tuple(row.warnings),
        component_count=row.component_count,
        ai_component_count=row.ai_component_count,
        edge_count=row.edge_count,
        uploaded_by=row.uploaded_by,
        uploaded_at=row.uploaded_at,
        organisation_id=row.organisation_id,
        visibility=row.visibility,
    )


def occurrence_record(row: OccurrenceRow) -> OccurrenceRecord:
    return OccurrenceRecord(
        bom_id=row.bom_id,
        bom_ref=row.bom_ref,
        role=row.role,
        type=row.type,
        is_ai=row.is_ai,
        ai_reasons=tuple(AiReason(reason) for reason in row.ai_reasons),
        claimed_certificates=tuple(claim["number"] for claim in row.claimed_certificates),
    )


def ending_record(row: BomEndingRow) -> BomEnding:
    return BomEnding(row.bom_id, row.kind, row.by_bom_id, row.reason, row.actor, row.at)

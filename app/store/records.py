"""Rows turned into the plain records the use cases read, so no row leaves the store."""

from __future__ import annotations

from app.domain.bom import AiReason
from app.domain.copying import copied
from app.domain.stored import BomEnding, BomRecord, ComponentRecord, OccurrenceRecord
from app.store.rows import BomEndingRow, BomRow, ComponentRow, OccurrenceRow


def component_record(row: ComponentRow) -> ComponentRecord:
    return copied(ComponentRecord, row)


def bom_record(row: BomRow) -> BomRecord:
    # JSON columns come back as lists; a record is frozen all the way down.
    return copied(
        BomRecord,
        row,
        incomplete_aggregates=tuple(row.incomplete_aggregates),
        warnings=tuple(row.warnings),
    )


def occurrence_record(row: OccurrenceRow) -> OccurrenceRecord:
    return copied(
        OccurrenceRecord,
        row,
        ai_reasons=tuple(AiReason(reason) for reason in row.ai_reasons),
        claimed_certificates=tuple(claim["number"] for claim in row.claimed_certificates),
    )


def ending_record(row: BomEndingRow) -> BomEnding:
    return copied(BomEnding, row)

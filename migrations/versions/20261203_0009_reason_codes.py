"""reason codes: stored reasons are codes, not the sentences that say them

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 10:00:00.000000

Occurrences stored why a component is an AI component, and where a BOM claimed a
certificate, as sentences and document paths; they become the codes the code now writes.
A stored check answer keeps every word it said and gains the code of its not-in-scope
reason (`not_in_scope_code`), as answers given from now on carry it. Values this revision
does not know are left as they are. The downgrade writes the sentences back and removes
the codes it added.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The values as they were stored before this revision, and their codes. Written out here,
# not imported: a revision must keep meaning what it meant when the code moves on.
AI_REASONS = {
    "type is machine-learning-model": "model_type",
    "carries a modelCard": "model_card",
    "property exportgate:ai-component=true": "ai_component_property",
}
CLAIM_SOURCES = {
    "externalReference:certification-report": "external_reference",
    "property:exportgate:certificate": "property",
}
SCOPE_REASONS = {
    "the destination is the domestic country": "domestic",
    "the date is before the pilot period": "before_pilot",
    "in the pilot period the destination is not a pilot country": "not_a_pilot_country",
    "the product holds no AI component": "not_ai_bearing",
}
# Rows read and rewritten at a time, so that a large portfolio is never held whole.
BATCH = 500

occurrences = sa.table(
    "occurrences",
    sa.column("id", sa.BigInteger()),
    sa.column("is_ai", sa.Boolean()),
    sa.column("ai_reasons", sa.JSON()),
    sa.column("claimed_certificates", sa.JSON()),
)
decisions = sa.table("decisions", sa.column("id", sa.BigInteger()), sa.column("answer", sa.JSON()))

Row = dict[str, Any]


def _batches(
    table: sa.TableClause, column: str, where: sa.ColumnElement[bool]
) -> Iterator[list[Row]]:
    """The id and `column` of the rows that match, BATCH at a time (keyset: each batch
    starts after the last id of the one before)."""
    connection = op.get_bind()
    key = table.c.id
    last = 0
    while True:
        query = sa.select(key, table.c[column]).where(where, key > last).order_by(key).limit(BATCH)
        rows = [dict(row) for row in connection.execute(query).mappings()]
        if not rows:
            return
        yield rows
        last = rows[-1]["id"]


def _rewrite(
    table: sa.TableClause, column: str, where: sa.ColumnElement[bool], change: Callable[[Any], Any]
) -> None:
    """Write change(value) back to each matching row where it differs from the value."""
    connection = op.get_bind()
    update = (
        table.update()
        .where(table.c.id == sa.bindparam("row_id"))
        .values({column: sa.bindparam("new_value", type_=sa.JSON())})
    )
    for rows in _batches(table, column, where):
        changed = [
            {"row_id": row["id"], "new_value": new}
            for row in rows
            if (new := change(row[column])) != row[column]
        ]
        if changed:
            connection.execute(update, changed)


def _reasons(names: Mapping[str, str]) -> Callable[[Any], Any]:
    return lambda reasons: [names.get(reason, reason) for reason in reasons or []]


def _claims(names: Mapping[str, str]) -> Callable[[Any], Any]:
    return lambda claims: [
        {**claim, "source": names.get(claim["source"], claim["source"])}
        if "source" in claim
        else claim
        for claim in claims or []
    ]


def _with_scope_codes(answer: Any) -> Any:
    def coded(part: Row) -> Row:
        reason = part.get("not_in_scope_reason")
        code = SCOPE_REASONS.get(reason, reason) if isinstance(reason, str) else None
        return {**part, "not_in_scope_code": code}

    if not isinstance(answer, dict):
        return answer
    if "countries" not in answer:
        return coded(answer)
    return {**coded(answer), "countries": [coded(c) for c in answer["countries"]]}


def _without_scope_codes(answer: Any) -> Any:
    def plain(part: Row) -> Row:
        return {key: value for key, value in part.items() if key != "not_in_scope_code"}

    if not isinstance(answer, dict):
        return answer
    if "countries" not in answer:
        return plain(answer)
    return {**plain(answer), "countries": [plain(c) for c in answer["countries"]]}


def _claimed() -> sa.ColumnElement[bool]:
    # Only rows whose claims name a source (most components claim nothing).
    return sa.cast(occurrences.c.claimed_certificates, sa.Text()).like('%"source"%')


def upgrade() -> None:
    _rewrite(occurrences, "ai_reasons", occurrences.c.is_ai, _reasons(AI_REASONS))
    _rewrite(occurrences, "claimed_certificates", _claimed(), _claims(CLAIM_SOURCES))
    _rewrite(decisions, "answer", sa.true(), _with_scope_codes)


def downgrade() -> None:
    def back(names: Mapping[str, str]) -> dict[str, str]:
        return {code: value for value, code in names.items()}

    _rewrite(occurrences, "ai_reasons", occurrences.c.is_ai, _reasons(back(AI_REASONS)))
    _rewrite(occurrences, "claimed_certificates", _claimed(), _claims(back(CLAIM_SOURCES)))
    _rewrite(decisions, "answer", sa.true(), _without_scope_codes)

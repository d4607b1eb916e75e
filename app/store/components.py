"""Components in SQL: created in bulk at ingest, found by identity, name or search."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, cast, func, select

from app.domain.bom import Identity, IdentityKind
from app.domain.ids import IdentityKey
from app.domain.stored import BomRecord, ComponentRecord, OccurrenceRecord
from app.domain.visibility import BomVisibility
from app.store.boms import current_bom_ids, visible_bom_ids
from app.store.bulk import chunks, insert_many
from app.store.records import bom_record, component_record, occurrence_record
from app.store.repository import Repository
from app.store.rows import BomRow, ComponentRow, OccurrenceRow, table_of


def identity_digest(identity: Identity) -> str:
    return hashlib.sha256(f"{identity.kind}\x00{identity.key}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class NewComponent:
    identity: Identity
    name: str
    version: str | None
    group: str | None
    purl: str | None


class ComponentRepository(Repository):
    def ensure(self, components: Iterable[NewComponent], now: dt.datetime) -> dict[Identity, int]:
        """Ids for these identities, creating the unknown ones; safe against a concurrent
        ingest creating the same identity (insert-or-ignore returning what it created, then
        read back the rest)."""
        by_digest = {identity_digest(c.identity): c for c in components}
        if self._session.get_bind().dialect.name != "sqlite":
            # In digest order: two ingests creating overlapping identities then take their
            # unique-key locks in one order, so neither waits for the other in a cycle.
            # SQLite has one writer at a time, and on a large BOM walking the components
            # in digest order rather than document order costs a few per cent of the ingest.
            by_digest = dict(sorted(by_digest.items()))
        keys = (
            "identity_digest", "identity_kind", "identity_key", "name", "version", "group_name",
            "purl",
        )  # fmt: skip
        rows = [
            (
                digest,
                component.identity.kind.value,
                component.identity.key,
                component.name,
                component.version,
                component.group,
                component.purl,
            )
            for digest, component in by_digest.items()
        ]
        created = insert_many(
            self._session,
            table_of(ComponentRow),
            keys,
            rows,
            shared={"first_seen_at": now},
            ignore_conflicts_on="identity_digest",
            returning=("identity_digest", "id"),
        )
        ids = {by_digest[digest].identity: component_id for digest, component_id in created}
        # The rest were known already, or created by a concurrent ingest since this began.
        known = {digest: c.identity for digest, c in by_digest.items() if c.identity not in ids}
        ids.update(self._ids_by_digest(known))
        return ids

    def many(self, component_ids: Iterable[int]) -> list[ComponentRecord]:
        ids = sorted(set(component_ids))
        found: list[ComponentRecord] = []
        for chunk in chunks(ids):
            query = select(ComponentRow).where(ComponentRow.id.in_(chunk))
            found.extend(component_record(row) for row in self._session.scalars(query))
        return found

    def ids_for(self, identities: Iterable[Identity]) -> dict[Identity, int]:
        """Ids of the identities already stored; unknown ones are simply absent."""
        return self._ids_by_digest({identity_digest(i): i for i in identities})

    def _ids_by_digest(self, by_digest: dict[str, Identity]) -> dict[Identity, int]:
        digests = sorted(by_digest)
        found: dict[Identity, int] = {}
        for chunk in chunks(digests):
            query = select(ComponentRow.identity_digest, ComponentRow.id).where(
                ComponentRow.identity_digest.in_(chunk)
            )
            for digest, component_id in self._session.execute(query):
                found[by_digest[digest]] = component_id
        return found

    def get(self, component_id: int) -> ComponentRecord | None:
        row = self._session.get(ComponentRow, component_id)
        return None if row is None else component_record(row)

    def find_by_identity(self, identity: Identity) -> ComponentRecord | None:
        row = self._one_row(ComponentRow, ComponentRow.identity_digest == identity_digest(identity))
        return None if row is None else component_record(row)

    def find_by_name(self, name: str, version: str | None) -> list[ComponentRecord]:
        query = select(ComponentRow).where(func.lower(ComponentRow.name) == name.lower())
        if version is not None:
            query = query.where(ComponentRow.version == version)
        rows = self._session.scalars(query.order_by(ComponentRow.identity_key))
        return [component_record(row) for row in rows]

    def search(
        self,
        *,
        purl: str | None,
        name: str | None,
        type_: str | None,
        ai: bool | None,
        after_id: int,
        limit: int | None,
        hash_value: str | None = None,
        visible_to: BomVisibility | None = None,
    ) -> list[ComponentRecord]:
        query = select(ComponentRow).where(ComponentRow.id > after_id)
        if visible_to is not None and not visible_to.is_admin:
            seen = select(OccurrenceRow.component_id).where(
                OccurrenceRow.bom_id.in_(visible_bom_ids(visible_to))
            )
            query = query.where(ComponentRow.id.in_(seen))
        if purl is not None:
            digest = identity_digest(Identity(IdentityKind.PURL, IdentityKey(purl)))
            query = query.where(ComponentRow.identity_digest == digest)
        if name is not None:
            # Literal: a `%` or `_` in the name searched for is that character, not a wildcard.
            query = query.where(
                func.lower(ComponentRow.name).contains(name.lower(), autoescape=True)
            )
        current = OccurrenceRow.bom_id.in_(current_bom_ids())
        if type_ is not None:
            typed = select(OccurrenceRow.component_id).where(current, OccurrenceRow.type == type_)
            query = query.where(ComponentRow.id.in_(typed))
        if hash_value is not None:
            # Hashes are kept as each BOM wrote them; hex digests are matched case-blind.
            hashed = select(OccurrenceRow.component_id).where(
                func.lower(cast(OccurrenceRow.hashes, Text)).contains(
                    f'"{hash_value.lower()}"', autoescape=True
                )
            )
            query = query.where(ComponentRow.id.in_(hashed))
        if ai is not None:
            ai_ids = select(OccurrenceRow.component_id).where(current, OccurrenceRow.is_ai)
            query = query.where(
                ComponentRow.id.in_(ai_ids) if ai else ComponentRow.id.not_in(ai_ids)
            )
        rows = self._session.scalars(query.order_by(ComponentRow.id).limit(limit))
        return [component_record(row) for row in rows]

    def mentioned_in(self, component_ids: Collection[int], boms: BomVisibility) -> set[int]:
        """Those of the components that a BOM the reader may see inside mentions."""
        found: set[int] = set()
        wanted = visible_bom_ids(boms)
        for chunk in chunks(sorted(set(component_ids))):
            query = select(OccurrenceRow.component_id).where(
                OccurrenceRow.component_id.in_(chunk), OccurrenceRow.bom_id.in_(wanted)
            )
            found.update(self._session.scalars(query.distinct()))
        return found

    def occurrences(self, component_id: int) -> list[tuple[OccurrenceRecord, BomRecord]]:
        """Every mention of the component, with the BOM that makes it, in BOM order."""
        query = (
            select(OccurrenceRow, BomRow)
            .join(BomRow, BomRow.id == OccurrenceRow.bom_id)
            .where(OccurrenceRow.component_id == component_id)
            .order_by(BomRow.id, OccurrenceRow.id)
        )
        return [
            (occurrence_record(occurrence), bom_record(bom))
            for occurrence, bom in self._session.execute(query)
        ]

    def mentions_as_written(self, component_id: int) -> list[tuple[int, dict[str, Any]]]:
        """(BOM id, the component's JSON as that BOM gives it) for every mention, in BOM
        order: what review readiness reads of a model card."""
        query = (
            select(OccurrenceRow.bom_id, OccurrenceRow.raw)
            .where(OccurrenceRow.component_id == component_id)
            .order_by(OccurrenceRow.bom_id, OccurrenceRow.id)
        )
        return [(bom_id, dict(raw or {})) for bom_id, raw in self._session.execute(query)]

    def written_by_refs(self, bom_id: int, bom_refs: Collection[str]) -> dict[str, dict[str, Any]]:
        """The JSON one BOM gives the components of these bom-refs (a model card's datasets)."""
        if not bom_refs:
            return {}
        query = select(OccurrenceRow.bom_ref, OccurrenceRow.raw).where(
            OccurrenceRow.bom_id == bom_id, OccurrenceRow.bom_ref.in_(sorted(set(bom_refs)))
        )
        return {ref: dict(raw or {}) for ref, raw in self._session.execute(query)}

"""Repositories: the only place that writes SQL. Bulk paths are set-based, never per row."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    case,
    cast,
    delete,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.bom import EdgeKind, Identity, IdentityKind
from app.domain.ids import IdentityKey
from app.domain.portfolio import PortfolioEdge, PortfolioNode, Product
from app.store.bulk import insert_many
from app.store.documents import unpack_document
from app.store.rows import (
    BomRow,
    BomShareRow,
    ComponentRow,
    EdgeRow,
    OccurrenceRow,
    table_of,
)


class DocumentAlreadyStoredError(Exception):
    """Another transaction stored the same bytes first; this one has been rolled back."""

    def __init__(self, sha256: str) -> None:
        super().__init__(sha256)
        self.sha256 = sha256


# Values per lookup stay well under SQLite's and PostgreSQL's bind limits.
CHUNK = 900

# A condition selecting BOMs (BomRepository.visible_to), passed back to the listings.
BomFilter = ColumnElement[bool]


def identity_digest(identity: Identity) -> str:
    return hashlib.sha256(f"{identity.kind}\x00{identity.key}".encode()).hexdigest()


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True, slots=True)
class NewComponent:
    identity: Identity
    name: str
    version: str | None
    group: str | None
    purl: str | None


def current_bom_ids() -> Select[tuple[int]]:
    """The current BOM of every subject: latest by BOM version, then upload time, then id."""
    ranked = select(
        BomRow.id,
        func.row_number()
        .over(
            partition_by=BomRow.subject_id,
            order_by=(BomRow.bom_version.desc(), BomRow.uploaded_at.desc(), BomRow.id.desc()),
        )
        .label("rank"),
    ).subquery("ranked_boms")
    return select(ranked.c.id).where(ranked.c.rank == 1)


class ComponentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def ensure(self, components: Iterable[NewComponent], now: dt.datetime) -> dict[Identity, int]:
        """Ids for these identities, creating the unknown ones; safe against a concurrent
        ingest creating the same identity (insert-or-ignore returning what it created, then
        read back the rest)."""
        by_digest = {identity_digest(c.identity): c for c in components}
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

    def many(self, component_ids: Iterable[int]) -> list[ComponentRow]:
        ids = sorted(set(component_ids))
        rows: list[ComponentRow] = []
        for chunk in _chunks(ids):
            rows.extend(
                self._session.scalars(select(ComponentRow).where(ComponentRow.id.in_(chunk)))
            )
        return rows

    def ids_for(self, identities: Iterable[Identity]) -> dict[Identity, int]:
        """Ids of the identities already stored; unknown ones are simply absent."""
        return self._ids_by_digest({identity_digest(i): i for i in identities})

    def _ids_by_digest(self, by_digest: dict[str, Identity]) -> dict[Identity, int]:
        digests = sorted(by_digest)
        found: dict[Identity, int] = {}
        for chunk in _chunks(digests):
            query = select(ComponentRow.identity_digest, ComponentRow.id).where(
                ComponentRow.identity_digest.in_(chunk)
            )
            for digest, component_id in self._session.execute(query):
                found[by_digest[digest]] = component_id
        return found

    def get(self, component_id: int) -> ComponentRow | None:
        return self._session.get(ComponentRow, component_id)

    def find_by_identity(self, identity: Identity) -> ComponentRow | None:
        return self._session.scalars(
            select(ComponentRow).where(ComponentRow.identity_digest == identity_digest(identity))
        ).one_or_none()

    def find_by_name(self, name: str, version: str | None) -> list[ComponentRow]:
        query = select(ComponentRow).where(func.lower(ComponentRow.name) == name.lower())
        if version is not None:
            query = query.where(ComponentRow.version == version)
        return list(self._session.scalars(query.order_by(ComponentRow.identity_key)))

    def search(
        self,
        *,
        purl: str | None,
        name: str | None,
        type_: str | None,
        ai: bool | None,
        after_id: int,
        limit: int,
        hash_value: str | None = None,
        visible_to: BomFilter | None = None,
    ) -> list[ComponentRow]:
        query = select(ComponentRow).where(ComponentRow.id > after_id)
        if visible_to is not None:
            seen = select(OccurrenceRow.component_id).where(
                OccurrenceRow.bom_id.in_(select(BomRow.id).where(visible_to))
            )
            query = query.where(ComponentRow.id.in_(seen))
        if purl is not None:
            digest = identity_digest(Identity(IdentityKind.PURL, IdentityKey(purl)))
            query = query.where(ComponentRow.identity_digest == digest)
        if name is not None:
            query = query.where(func.lower(ComponentRow.name).contains(name.lower()))
        current = OccurrenceRow.bom_id.in_(current_bom_ids())
        if type_ is not None:
            typed = select(OccurrenceRow.component_id).where(current, OccurrenceRow.type == type_)
            query = query.where(ComponentRow.id.in_(typed))
        if hash_value is not None:
            # Hashes are kept as each BOM wrote them; hex digests are matched case-blind.
            hashed = select(OccurrenceRow.component_id).where(
                func.lower(cast(OccurrenceRow.hashes, Text)).contains(f'"{hash_value.lower()}"')
            )
            query = query.where(ComponentRow.id.in_(hashed))
        if ai is not None:
            ai_ids = select(OccurrenceRow.component_id).where(current, OccurrenceRow.is_ai)
            query = query.where(
                ComponentRow.id.in_(ai_ids) if ai else ComponentRow.id.not_in(ai_ids)
            )
        return list(self._session.scalars(query.order_by(ComponentRow.id).limit(limit)))

    def seen_in(self, component_ids: Iterable[int], visible_to: BomFilter) -> set[int]:
        """Those of the components that at least one BOM `visible_to` selects mentions."""
        ids = sorted(set(component_ids))
        seen: set[int] = set()
        for chunk in _chunks(ids):
            query = (
                select(OccurrenceRow.component_id)
                .join(BomRow, BomRow.id == OccurrenceRow.bom_id)
                .where(OccurrenceRow.component_id.in_(chunk), visible_to)
                .distinct()
            )
            seen.update(self._session.scalars(query))
        return seen

    def occurrences(self, component_id: int) -> list[tuple[OccurrenceRow, BomRow]]:
        query = (
            select(OccurrenceRow, BomRow)
            .join(BomRow, BomRow.id == OccurrenceRow.bom_id)
            .where(OccurrenceRow.component_id == component_id)
            .order_by(BomRow.id, OccurrenceRow.id)
        )
        return [(occurrence, bom) for occurrence, bom in self._session.execute(query)]


class BomRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def visible_to(self, organisation_id: int | None) -> BomFilter:
        """A condition on BomRow: the owner's, public, or shared with the organisation."""
        shared = select(BomShareRow.bom_id).where(BomShareRow.organisation_id == organisation_id)
        return or_(
            BomRow.organisation_id == organisation_id,
            BomRow.visibility == "public",
            BomRow.id.in_(shared),
        )

    def visible_ids(self, organisation_id: int | None) -> list[int]:
        return list(
            self._session.scalars(select(BomRow.id).where(self.visible_to(organisation_id)))
        )

    def is_visible(self, bom_id: int, organisation_id: int | None) -> bool:
        query = select(func.count()).where(BomRow.id == bom_id, self.visible_to(organisation_id))
        return bool(self._session.scalar(query))

    def set_visibility(self, bom_id: int, visibility: str, share_with: list[int]) -> None:
        row = self._session.get(BomRow, bom_id)
        if row is None:
            return
        row.visibility = visibility
        self._session.execute(delete(BomShareRow).where(BomShareRow.bom_id == bom_id))
        self._session.add_all(
            BomShareRow(bom_id=bom_id, organisation_id=organisation) for organisation in share_with
        )
        self._session.flush()

    def shared_with(self, bom_ids: Iterable[int]) -> dict[int, list[int]]:
        """The organisations each BOM is shared with, for many BOMs in one query."""
        found: dict[int, list[int]] = {}
        for chunk in _chunks(sorted(set(bom_ids))):
            query = select(BomShareRow.bom_id, BomShareRow.organisation_id).where(
                BomShareRow.bom_id.in_(chunk)
            )
            for bom_id, organisation in self._session.execute(query):
                found.setdefault(bom_id, []).append(organisation)
        return {bom_id: sorted(organisations) for bom_id, organisations in found.items()}

    def find_by_sha256(self, sha256: str) -> BomRow | None:
        return self._session.scalars(select(BomRow).where(BomRow.sha256 == sha256)).one_or_none()

    def get(self, bom_id: int) -> BomRow | None:
        return self._session.get(BomRow, bom_id)

    def of_subject(self, subject_id: int) -> list[BomRow]:
        return list(self._session.scalars(select(BomRow).where(BomRow.subject_id == subject_id)))

    def many(self, bom_ids: Iterable[int]) -> list[BomRow]:
        ids = sorted(set(bom_ids))
        rows: list[BomRow] = []
        for chunk in _chunks(ids):
            rows.extend(self._session.scalars(select(BomRow).where(BomRow.id.in_(chunk))))
        return rows

    def document(self, bom_id: int) -> bytes | None:
        """The document exactly as uploaded."""
        found = self._session.execute(
            select(BomRow.document_encoding, BomRow.document).where(BomRow.id == bom_id)
        ).one_or_none()
        return None if found is None else unpack_document(*found)

    def add(self, row: BomRow) -> BomRow:
        """Insert a document; DocumentAlreadyStoredError when a concurrent upload of the same
        bytes committed first (the unique SHA-256 decides, not a prior read)."""
        self._session.add(row)
        try:
            self._session.flush()
        except IntegrityError as error:
            if self.find_sha256_after_rollback(row.sha256):
                raise DocumentAlreadyStoredError(row.sha256) from error
            raise
        return row

    def find_sha256_after_rollback(self, sha256: str) -> bool:
        self._session.rollback()
        return self.find_by_sha256(sha256) is not None

    def page(
        self,
        *,
        subject_id: int | None,
        after_id: int,
        limit: int,
        visible_to: BomFilter | None = None,
    ) -> list[BomRow]:
        query = select(BomRow).where(BomRow.id > after_id)
        if visible_to is not None:
            query = query.where(visible_to)
        if subject_id is not None:
            query = query.where(BomRow.subject_id == subject_id)
        return list(self._session.scalars(query.order_by(BomRow.id).limit(limit)))

    def current_for_subjects(self) -> list[tuple[BomRow, ComponentRow]]:
        query = (
            select(BomRow, ComponentRow)
            .join(ComponentRow, ComponentRow.id == BomRow.subject_id)
            .where(BomRow.id.in_(current_bom_ids()))
            .order_by(ComponentRow.identity_key, ComponentRow.id)
        )
        return [(bom, subject) for bom, subject in self._session.execute(query)]

    def digests(self, bom_ids: Iterable[int]) -> dict[int, str]:
        ids = sorted(set(bom_ids))
        found: dict[int, str] = {}
        for chunk in _chunks(ids):
            query = select(BomRow.id, BomRow.sha256).where(BomRow.id.in_(chunk))
            found.update((bom_id, sha256) for bom_id, sha256 in self._session.execute(query))
        return found

    def subject_names(self, bom_ids: Iterable[int]) -> dict[int, str]:
        ids = sorted(set(bom_ids))
        names: dict[int, str] = {}
        for chunk in _chunks(ids):
            query = (
                select(BomRow.id, ComponentRow.name, ComponentRow.version)
                .join(ComponentRow, ComponentRow.id == BomRow.subject_id)
                .where(BomRow.id.in_(chunk))
            )
            for bom_id, name, version in self._session.execute(query):
                names[bom_id] = f"{name}@{version}" if version else name
        return names


class GraphRepository:
    """Occurrences and edges: written in bulk at ingest, read back as the portfolio graph."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add_occurrences(
        self, bom_id: int, keys: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        """Rows of values in `keys` order; a generator is consumed a statement at a time."""
        insert_many(self._session, table_of(OccurrenceRow), keys, rows, shared={"bom_id": bom_id})

    def add_edges(self, bom_id: int, edges: Iterable[tuple[int, int, str]]) -> None:
        """(source_id, target_id, kind) tuples, all declared by one BOM."""
        keys = ("source_id", "target_id", "kind")
        insert_many(self._session, table_of(EdgeRow), keys, edges, shared={"bom_id": bom_id})

    def claims_for(
        self, component_ids: Iterable[int], current_boms: Collection[int]
    ) -> dict[int, tuple[str, ...]]:
        """Certificate numbers the current BOMs (as the caller's graph knows them) claim for
        each component. Filtering by BOM here, not in SQL, keeps the lookup on the
        component index whatever the planner guesses."""
        ids = sorted(set(component_ids))
        claims: dict[int, dict[str, None]] = {}
        for chunk in _chunks(ids):
            query = select(
                OccurrenceRow.component_id, OccurrenceRow.bom_id, OccurrenceRow.claimed_certificates
            ).where(OccurrenceRow.component_id.in_(chunk))
            for component_id, bom_id, claimed in self._session.execute(query):
                if bom_id not in current_boms:
                    continue
                for claim in claimed:
                    claims.setdefault(component_id, {})[claim["number"]] = None
        return {component_id: tuple(sorted(found)) for component_id, found in claims.items()}

    def generation(self) -> tuple[int, int]:
        """Changes whenever a BOM is stored (BOMs are never deleted or edited)."""
        count, newest = self._session.execute(select(func.count(), func.max(BomRow.id))).one()
        return int(count), int(newest or 0)

    def products(self) -> list[Product]:
        query = select(BomRow.subject_id, BomRow.id).where(BomRow.id.in_(current_bom_ids()))
        return [Product(subject_id, bom_id) for subject_id, bom_id in self._session.execute(query)]

    def current_edges(self) -> list[PortfolioEdge]:
        return self._edges(current_bom_ids())

    def edges_of(self, bom_id: int) -> list[PortfolioEdge]:
        return self._edges(select(literal(bom_id)))

    def _edges(self, boms: Select[Any]) -> list[PortfolioEdge]:
        query = select(EdgeRow.source_id, EdgeRow.target_id, EdgeRow.kind, EdgeRow.bom_id).where(
            EdgeRow.bom_id.in_(boms)
        )
        return [
            PortfolioEdge(source, target, EdgeKind(kind), bom_id)
            for source, target, kind, bom_id in self._session.execute(query)
        ]

    def current_nodes(self) -> list[PortfolioNode]:
        """Every component mentioned by a current BOM; AI when any current BOM says so."""
        return self._nodes(current_bom_ids())

    def nodes_of(self, bom_id: int) -> list[PortfolioNode]:
        """The components one BOM mentions, as that BOM describes them."""
        return self._nodes(select(literal(bom_id)))

    def _nodes(self, current: Select[Any]) -> list[PortfolioNode]:
        facts = (
            select(
                OccurrenceRow.component_id,
                func.max(OccurrenceRow.type).label("type"),
                func.max(case((OccurrenceRow.is_ai, 1), else_=0)).label("is_ai"),
            )
            .where(OccurrenceRow.bom_id.in_(current))
            .group_by(OccurrenceRow.component_id)
            .subquery()
        )
        query = select(
            ComponentRow.id,
            ComponentRow.identity_key,
            ComponentRow.name,
            ComponentRow.version,
            facts.c.type,
            facts.c.is_ai,
        ).join(facts, facts.c.component_id == ComponentRow.id)
        return [
            PortfolioNode(row[0], row[1], row[2], row[3], row[4], bool(row[5]))
            for row in self._session.execute(query)
        ]

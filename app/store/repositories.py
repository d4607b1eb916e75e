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
from app.domain.portfolio import (
    BomFacts,
    BomLink,
    PortfolioEdge,
    PortfolioNode,
    Product,
    RawLink,
)
from app.store.bulk import insert_many
from app.store.conflicts import inserted
from app.store.documents import unpack_document
from app.store.rows import (
    BomEndingRow,
    BomLinkRow,
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
    """Every current BOM (PRODUCT.md section 3, BOM lineage): a lineage is one serial number
    of one subject and owner, its current BOM the one of highest `version` (every one of
    them, should two documents claim the same version: the stricter union, and the same
    whatever order they came in); BOMs without a serial number form one lineage per subject
    and owner, each replacing the last. A superseded or retired BOM is current no more."""
    lineage = (BomRow.subject_id, BomRow.organisation_id, BomRow.serial_number)
    ranked = select(
        BomRow.id,
        BomRow.serial_number,
        func.rank().over(partition_by=lineage, order_by=BomRow.bom_version.desc()).label("rank"),
        func.row_number().over(partition_by=lineage, order_by=BomRow.id.desc()).label("latest"),
    ).subquery("ranked_boms")
    head = case((ranked.c.serial_number.is_(None), ranked.c.latest), else_=ranked.c.rank)
    return select(ranked.c.id).where(head == 1, ranked.c.id.not_in(select(BomEndingRow.bom_id)))


class ComponentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

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
        return list(self._session.scalars(query.order_by(ComponentRow.id).limit(limit)))

    def mentioned_in(self, component_ids: Collection[int], boms: BomFilter) -> set[int]:
        """Those of the components that a BOM meeting the condition mentions."""
        found: set[int] = set()
        wanted = select(BomRow.id).where(boms)
        for chunk in _chunks(sorted(set(component_ids))):
            query = select(OccurrenceRow.component_id).where(
                OccurrenceRow.component_id.in_(chunk), OccurrenceRow.bom_id.in_(wanted)
            )
            found.update(self._session.scalars(query.distinct()))
        return found

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

    def find_by_sha256(self, sha256: str, organisation_id: int | None) -> BomRow | None:
        """The organisation's own BOM of these bytes: the same bytes are one BOM per
        organisation, and another organisation's copy is none of the caller's business."""
        owner = (
            BomRow.organisation_id.is_(None)
            if organisation_id is None
            else BomRow.organisation_id == organisation_id
        )
        return self._session.scalars(
            select(BomRow).where(BomRow.sha256 == sha256, owner).order_by(BomRow.id).limit(1)
        ).one_or_none()

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
            organisation = row.organisation_id
            self._session.rollback()
            if self.find_by_sha256(row.sha256, organisation) is not None:
                raise DocumentAlreadyStoredError(row.sha256) from error
            raise
        return row

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

    def current_for_subjects(self) -> list[tuple[ComponentRow, list[BomRow]]]:
        """Every product with its current BOMs (in id order), in identity order."""
        query = (
            select(BomRow, ComponentRow)
            .join(ComponentRow, ComponentRow.id == BomRow.subject_id)
            .where(BomRow.id.in_(current_bom_ids()))
            .order_by(ComponentRow.identity_key, ComponentRow.id, BomRow.id)
        )
        found: list[tuple[ComponentRow, list[BomRow]]] = []
        for bom, subject in self._session.execute(query):
            if not found or found[-1][0].id != subject.id:
                found.append((subject, []))
            found[-1][1].append(bom)
        return found

    def current_of_subject(self, subject_id: int) -> list[BomRow]:
        """The subject's current BOMs, in id order."""
        query = (
            select(BomRow)
            .where(BomRow.subject_id == subject_id, BomRow.id.in_(current_bom_ids()))
            .order_by(BomRow.id)
        )
        return list(self._session.scalars(query))

    def facts(self, bom_ids: Iterable[int]) -> list[BomFacts]:
        """What each BOM says about its subject beyond its parts, in id order."""
        return [
            BomFacts(
                bom_id=row.id,
                serial_number=row.serial_number,
                version=row.bom_version,
                sector=row.sector,
                human_oversight=row.human_oversight,
                incomplete_aggregates=tuple(row.incomplete_aggregates),
                uploaded_on=row.uploaded_at.date(),
                subject_id=row.subject_id,
            )
            for row in sorted(self.many(bom_ids), key=lambda r: r.id)
        ]

    def end(self, ending: BomEndingRow) -> bool:
        """Record that a BOM stopped being current; never more than once: False, with
        nothing written, when it has ended already (a concurrent request just ended it)."""
        return inserted(self._session, ending)

    def ending(self, bom_id: int) -> BomEndingRow | None:
        return self._session.scalars(
            select(BomEndingRow).where(BomEndingRow.bom_id == bom_id)
        ).one_or_none()

    def endings(self, bom_ids: Iterable[int]) -> dict[int, BomEndingRow]:
        found: dict[int, BomEndingRow] = {}
        for chunk in _chunks(sorted(set(bom_ids))):
            query = select(BomEndingRow).where(BomEndingRow.bom_id.in_(chunk))
            found.update((row.bom_id, row) for row in self._session.scalars(query))
        return found

    def mentioned_by(
        self,
        product_id: int,
        subject_ids: Collection[int],
        component_ids: Collection[int],
        day: dt.date,
    ) -> frozenset[int] | None:
        """Of these components, those that BOMs of these subjects uploaded on or before
        `day` mention; None when no BOM of the product itself had been uploaded by then."""
        until = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        first = self._session.scalar(
            select(func.count()).where(BomRow.subject_id == product_id, BomRow.uploaded_at < until)
        )
        if not first:
            return None
        earlier = select(BomRow.id).where(
            BomRow.subject_id.in_(sorted(set(subject_ids))), BomRow.uploaded_at < until
        )
        found: set[int] = set()
        for chunk in _chunks(sorted(set(component_ids))):
            query = (
                select(OccurrenceRow.component_id)
                .where(OccurrenceRow.component_id.in_(chunk), OccurrenceRow.bom_id.in_(earlier))
                .distinct()
            )
            found.update(self._session.scalars(query))
        return frozenset(found)

    def current_ids(self) -> set[int]:
        return set(self._session.scalars(current_bom_ids()))

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

    def add_links(
        self, bom_id: int, links: Iterable[tuple[int, str, int | None, str | None, str]]
    ) -> None:
        """(source_id, serial number, version, target ref, location) for each BOM-Link."""
        keys = ("source_id", "serial_number", "linked_version", "target_ref", "location")
        insert_many(self._session, table_of(BomLinkRow), keys, links, shared={"bom_id": bom_id})

    def generation(self) -> tuple[int, int, int]:
        """Changes whenever a BOM is stored, superseded or retired (BOMs are never deleted
        or edited, and neither are their endings)."""
        count, newest = self._session.execute(select(func.count(), func.max(BomRow.id))).one()
        ended = self._session.scalar(select(func.count()).select_from(BomEndingRow))
        return int(count), int(newest or 0), int(ended or 0)

    def products(self) -> list[Product]:
        query = (
            select(BomRow.subject_id, BomRow.id)
            .where(BomRow.id.in_(current_bom_ids()))
            .order_by(BomRow.subject_id, BomRow.id)
        )
        boms: dict[int, list[int]] = {}
        for subject_id, bom_id in self._session.execute(query):
            boms.setdefault(subject_id, []).append(bom_id)
        return [Product(subject, tuple(ids)) for subject, ids in boms.items()]

    def links(self, current: Collection[int], *, declared_by: int | None = None) -> list[BomLink]:
        """The BOM-Links the current BOMs declare, each resolved against the BOMs held: a
        versioned link to every BOM of that serial number and version, an unversioned one to
        that serial's current BOMs (several documents may claim one serial: all of them
        count, the stricter reading); none held, and the link is missing."""
        query = select(BomLinkRow).order_by(BomLinkRow.id)
        if declared_by is not None:
            query = query.where(BomLinkRow.bom_id == declared_by)
        rows = [
            RawLink(row.source_id, row.bom_id, row.serial_number, row.linked_version,
                    row.target_ref, row.location)
            for row in self._session.scalars(query)
            if declared_by is not None or row.bom_id in current
        ]  # fmt: skip
        return self.resolve_links(rows, current)

    def resolve_links(self, rows: Sequence[RawLink], current: Collection[int]) -> list[BomLink]:
        """Each link resolved against the BOMs held (see `links`)."""
        if not rows:
            return []
        serials = sorted({row.serial_number.lower() for row in rows})
        held: dict[str, list[tuple[int, int]]] = {}
        for chunk in _chunks(serials):
            query = select(BomRow.id, BomRow.serial_number, BomRow.bom_version).where(
                func.lower(BomRow.serial_number).in_(chunk)
            )
            for bom_id, serial, version in self._session.execute(query):
                held.setdefault(str(serial).lower(), []).append((bom_id, int(version)))
        refs = {
            (b, row.target_ref)
            for row in rows
            if row.target_ref
            for b, _ in held.get(row.serial_number.lower(), ())
        }
        targets: dict[tuple[int, str], int] = {}
        subjects: dict[int, int] = {}
        linked = sorted({b for found in held.values() for b, _ in found})
        for chunk in _chunks(linked):
            for bom_id, subject_id in self._session.execute(
                select(BomRow.id, BomRow.subject_id).where(BomRow.id.in_(chunk))
            ):
                subjects[bom_id] = subject_id
            wanted = sorted({ref for b, ref in refs if b in set(chunk)})
            if wanted:
                query = select(
                    OccurrenceRow.bom_id, OccurrenceRow.bom_ref, OccurrenceRow.component_id
                ).where(OccurrenceRow.bom_id.in_(chunk), OccurrenceRow.bom_ref.in_(wanted))
                for bom_id, ref, component_id in self._session.execute(query):
                    targets[(bom_id, ref)] = component_id
        resolved: list[BomLink] = []
        for row in rows:
            candidates = held.get(row.serial_number.lower(), [])
            if row.linked_version is None:
                chosen = [b for b, _ in candidates if b in current]
            else:
                chosen = [b for b, version in candidates if version == row.linked_version]
            urn = _urn(row)
            if not chosen:
                resolved.append(BomLink(row.source_id, row.bom_id, urn, location=row.location))
            for bom_id in sorted(chosen):
                target = (
                    targets.get((bom_id, row.target_ref)) if row.target_ref else subjects[bom_id]
                )
                resolved.append(
                    BomLink(row.source_id, row.bom_id, urn, (bom_id,), target, row.location)
                )
        return resolved

    def portfolio(
        self,
    ) -> tuple[list[PortfolioNode], list[PortfolioEdge], list[Product], list[BomLink]]:
        """Everything the portfolio graph is built from: the current BOMs, and the BOMs
        their BOM-Links point at (current or not), with their nodes and edges."""
        products = self.products()
        current = {bom for product in products for bom in product.bom_ids}
        links = self.links(current)
        linked = sorted({b for link in links for b in link.linked_boms} - current)
        boms = select(BomRow.id).where(
            or_(BomRow.id.in_(current_bom_ids()), BomRow.id.in_(linked))
            if linked
            else BomRow.id.in_(current_bom_ids())
        )
        return self._nodes(boms), self._edges(boms), products, links

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

    def _nodes(self, boms: Select[Any]) -> list[PortfolioNode]:
        """The components these BOMs mention, with the BOMs that call each an AI component
        and the artifacts each BOM gives it (both rare, so read apart)."""
        facts = (
            select(OccurrenceRow.component_id, func.max(OccurrenceRow.type).label("type"))
            .where(OccurrenceRow.bom_id.in_(boms))
            .group_by(OccurrenceRow.component_id)
            .subquery()
        )
        ai_boms: dict[int, set[int]] = {}
        for component_id, bom_id in self._session.execute(
            select(OccurrenceRow.component_id, OccurrenceRow.bom_id).where(
                OccurrenceRow.bom_id.in_(boms), OccurrenceRow.is_ai
            )
        ):
            ai_boms.setdefault(component_id, set()).add(bom_id)
        artifacts: dict[int, list[tuple[int, tuple[str, ...]]]] = {}
        for component_id, bom_id, found in self._session.execute(
            select(OccurrenceRow.component_id, OccurrenceRow.bom_id, OccurrenceRow.artifacts).where(
                OccurrenceRow.bom_id.in_(boms), OccurrenceRow.artifacts.is_not(None)
            )
        ):
            if found:
                artifacts.setdefault(component_id, []).append((bom_id, tuple(found)))
        query = select(
            ComponentRow.id,
            ComponentRow.identity_key,
            ComponentRow.name,
            ComponentRow.version,
            facts.c.type,
            ComponentRow.purl,
        ).join(facts, facts.c.component_id == ComponentRow.id)
        nothing: frozenset[int] = frozenset()
        return [
            PortfolioNode(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                frozenset(ai_boms[row[0]]) if row[0] in ai_boms else nothing,
                row[5],
                tuple(sorted(artifacts[row[0]])) if row[0] in artifacts else (),
            )
            for row in self._session.execute(query)
        ]


def _urn(row: RawLink) -> str:
    text = "urn:cdx:" + row.serial_number.removeprefix("urn:uuid:")
    if row.linked_version is not None:
        text += f"/{row.linked_version}"
    return f"{text}#{row.target_ref}" if row.target_ref else text

"""Occurrences, edges and BOM-Links in SQL: written in bulk at ingest, read back as the
portfolio graph's nodes, edges, products and links; and the log of the BOMs whose place in
the graph changed, read by every process to bring its graph up to date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from typing import Any, TypeVarTuple

from sqlalchemy import Row, Select, func, insert, literal, or_, select

from app.domain.bom import EdgeKind
from app.domain.portfolio import BomLink, PortfolioEdge, PortfolioNode, Product, RawLink
from app.store.boms import current_bom_ids
from app.store.bulk import chunks, insert_many
from app.store.repository import Repository
from app.store.rows import (
    BomEndingRow,
    BomLinkRow,
    BomRow,
    ComponentRow,
    EdgeRow,
    OccurrenceRow,
    table_of,
)
from app.store.rows.graph_changes import GraphChangeRow

# The PostgreSQL advisory lock that orders the change log: held from a row's insert to its
# transaction's commit, so ids become visible in the order they were allocated.
CHANGE_LOG_LOCK = 0x6772617068  # "graph"


_Columns = TypeVarTuple("_Columns")


class GraphRepository(Repository):
    """Occurrences and edges: written in bulk at ingest, read back as the portfolio graph."""

    def _read(self, query: Select[*_Columns]) -> Sequence[Row[*_Columns]]:
        """Plain rows of columns, fetched at once and without the ORM's machinery for
        entities: a change to the graph reads thousands of them while a request waits."""
        return self._session.connection().execute(query).all()

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
        for chunk in chunks(ids):
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

    def record_changes(self, kind: str, bom_ids: Iterable[int], at: dt.datetime) -> None:
        """Log BOMs whose place in the graph changed, in the caller's transaction. On
        PostgreSQL the log's lock is taken first and held to commit: ids are allocated at
        insert but transactions commit in any order, and a reader that saw id 6 committed
        before id 5 would never look back for 5 (decision record 15). SQLite's single
        writer orders commits already. Call it last before committing: the lock queues
        every other writer of the log until then."""
        rows = [{"bom_id": bom_id, "kind": kind, "at": at} for bom_id in sorted(set(bom_ids))]
        if not rows:
            return
        if self._session.get_bind().dialect.name == "postgresql":
            self._session.execute(select(func.pg_advisory_xact_lock(CHANGE_LOG_LOCK)))
        self._session.execute(insert(GraphChangeRow), rows)

    def latest_change(self) -> int:
        """The id of the newest change logged (0 for an empty log)."""
        return int(self._session.scalar(select(func.max(GraphChangeRow.id))) or 0)

    def changes_after(self, position: int, limit: int) -> tuple[list[int], int] | None:
        """The BOMs of the changes logged after `position`, oldest first, and the id of the
        last; None when there are more than `limit` (a full build is cheaper)."""
        query = (
            select(GraphChangeRow.id, GraphChangeRow.bom_id)
            .where(GraphChangeRow.id > position)
            .order_by(GraphChangeRow.id)
            .limit(limit + 1)
        )
        found = list(self._session.execute(query))
        if len(found) > limit:
            return None
        last = found[-1][0] if found else position
        return [bom_id for _, bom_id in found], int(last)

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
        if declared_by is not None:
            return self.resolve_links(self.raw_links(declared_by=(declared_by,)), current)
        return self.resolve_links(self.raw_links(current=current), current)

    def raw_links(
        self, *, current: Collection[int] = (), declared_by: Collection[int] | None = None
    ) -> list[RawLink]:
        """The BOM-Links as declared, unresolved: those the `declared_by` BOMs declare, or
        else those of the `current` BOMs."""
        query = select(BomLinkRow).order_by(BomLinkRow.id)
        rows: list[BomLinkRow] = []
        if declared_by is None:
            rows = [row for row in self._session.scalars(query) if row.bom_id in current]
        else:
            for chunk in chunks(sorted(set(declared_by))):
                rows.extend(self._session.scalars(query.where(BomLinkRow.bom_id.in_(chunk))))
            rows.sort(key=lambda row: row.id)
        return [
            RawLink(row.source_id, row.bom_id, row.serial_number, row.linked_version,
                    row.target_ref, row.location)
            for row in rows
        ]  # fmt: skip

    def resolve_links(self, rows: Sequence[RawLink], current: Collection[int]) -> list[BomLink]:
        """Each link resolved against the BOMs held (see `links`)."""
        if not rows:
            return []
        serials = sorted({row.serial_number.lower() for row in rows})
        held: dict[str, list[tuple[int, int]]] = {}
        for chunk in chunks(serials):
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
        for chunk in chunks(linked):
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
        nodes, edges = self.contents(links)
        return nodes, edges, products, links

    def contents(self, links: Iterable[BomLink]) -> tuple[list[PortfolioNode], list[PortfolioEdge]]:
        """The nodes and edges of the current BOMs and of the BOMs `links` lead to."""
        linked = sorted({b for link in links for b in link.linked_boms})
        boms = select(BomRow.id).where(
            or_(BomRow.id.in_(current_bom_ids()), BomRow.id.in_(linked))
            if linked
            else BomRow.id.in_(current_bom_ids())
        )
        return self._nodes(boms), self._edges(boms)

    # -- what a change to the graph reads ------------------------------------------------

    def lineages(self, bom_ids: Iterable[int]) -> list[tuple[int, int, str | None]]:
        """(BOM, subject, serial number) of each BOM."""
        found: list[tuple[int, int, str | None]] = []
        for chunk in chunks(sorted(set(bom_ids))):
            query = select(BomRow.id, BomRow.subject_id, BomRow.serial_number).where(
                BomRow.id.in_(chunk)
            )
            found.extend((b, s, n) for b, s, n in self._read(query))
        return found

    def current_of_subjects(self, subject_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
        """The current BOMs of each subject that has any, in id order."""
        found: dict[int, list[int]] = {}
        for chunk in chunks(sorted(set(subject_ids))):
            query = (
                select(BomRow.subject_id, BomRow.id)
                .where(BomRow.id.in_(current_bom_ids(chunk)))
                .order_by(BomRow.subject_id, BomRow.id)
            )
            for subject_id, bom_id in self._read(query):
                found.setdefault(subject_id, []).append(bom_id)
        return {subject: tuple(ids) for subject, ids in found.items()}

    def serials(self, bom_ids: Iterable[int]) -> set[str]:
        """The serial numbers of these BOMs, lowercased, as links are resolved."""
        return {serial.lower() for _, _, serial in self.lineages(bom_ids) if serial}

    def edges_of_boms(self, bom_ids: Iterable[int]) -> list[PortfolioEdge]:
        found: list[PortfolioEdge] = []
        for chunk in chunks(sorted(set(bom_ids))):
            found.extend(self._edges(select(BomRow.id).where(BomRow.id.in_(chunk))))
        return found

    def mentioned_by(self, bom_ids: Iterable[int]) -> set[int]:
        """The components these BOMs mention."""
        found: set[int] = set()
        for chunk in chunks(sorted(set(bom_ids))):
            query = select(OccurrenceRow.component_id).where(OccurrenceRow.bom_id.in_(chunk))
            found.update(component for (component,) in self._read(query))
        return found

    def nodes_among(
        self, component_ids: Iterable[int], included: Collection[int]
    ) -> list[PortfolioNode]:
        """These components as the `included` BOMs describe them (as `_nodes` does for the
        whole graph); a component none of them mentions is left out."""
        ids = sorted(set(component_ids))
        types: dict[int, str] = {}
        ai_boms: dict[int, set[int]] = {}
        artifacts: dict[int, list[tuple[int, tuple[str, ...]]]] = {}
        for chunk in chunks(ids):
            # Both read from indexes alone (ix_occurrences_component_facts, and the partial
            # ix_occurrences_component_artifacts: few mentions carry artifacts).
            facts = select(
                OccurrenceRow.component_id,
                OccurrenceRow.bom_id,
                OccurrenceRow.type,
                OccurrenceRow.is_ai,
            ).where(OccurrenceRow.component_id.in_(chunk))
            for component_id, bom_id, kind, is_ai in self._read(facts):
                if bom_id not in included:
                    continue
                # The greatest type, as SQL's max() picks it for the whole graph: the types
                # are CycloneDX's lowercase names, which every collation orders alike.
                known = types.get(component_id)
                types[component_id] = kind if known is None or kind > known else known
                if is_ai:
                    ai_boms.setdefault(component_id, set()).add(bom_id)
            carried = select(
                OccurrenceRow.component_id, OccurrenceRow.bom_id, OccurrenceRow.artifacts
            ).where(OccurrenceRow.component_id.in_(chunk), OccurrenceRow.artifacts.is_not(None))
            for component_id, bom_id, found in self._read(carried):
                if bom_id in included and found:
                    artifacts.setdefault(component_id, []).append((bom_id, tuple(found)))
        nodes: list[PortfolioNode] = []
        nothing: frozenset[int] = frozenset()
        for chunk in chunks(sorted(types)):
            described = select(
                ComponentRow.id,
                ComponentRow.identity_key,
                ComponentRow.name,
                ComponentRow.version,
                ComponentRow.purl,
            ).where(ComponentRow.id.in_(chunk))
            nodes.extend(
                PortfolioNode(
                    component_id,
                    key,
                    name,
                    version,
                    types[component_id],
                    frozenset(ai_boms[component_id]) if component_id in ai_boms else nothing,
                    purl,
                    tuple(sorted(artifacts[component_id])) if component_id in artifacts else (),
                )
                for component_id, key, name, version, purl in self._read(described)
            )
        return nodes

    def edges_of(self, bom_id: int) -> list[PortfolioEdge]:
        return self._edges(select(literal(bom_id)))

    def _edges(self, boms: Select[Any]) -> list[PortfolioEdge]:
        query = select(EdgeRow.source_id, EdgeRow.target_id, EdgeRow.kind, EdgeRow.bom_id).where(
            EdgeRow.bom_id.in_(boms)
        )
        return [
            PortfolioEdge(source, target, EdgeKind(kind), bom_id)
            for source, target, kind, bom_id in self._read(query)
        ]

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

"""The export check: gather one product's slice of the portfolio and the registry, ask the
domain's decision rule, explain every blocker with its paths, and keep a decision record."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from app.bom.reader import read_bom
from app.domain.access import Viewer
from app.domain.ai import suspected_hint
from app.domain.bom import BomContents, EdgeKind, Identity, Mention
from app.domain.classification import settle
from app.domain.decision import Blocker, ExportCheck, GroupStatus, check, group_status
from app.domain.decision_warnings import DecisionWarning, changed_since_certificate
from app.domain.errors import NotFoundError
from app.domain.ids import IdentityKey
from app.domain.portfolio import BomFacts, PortfolioEdge, PortfolioNode, Product, RawLink
from app.domain.product_slice import ASSEMBLY_TYPES, Member, ProductSlice, Question, Registry
from app.domain.reasons import WarningCode
from app.domain.registry import Ruleset
from app.services.catalogue import (
    ComponentView,
    ProductSummary,
    get_product,
    list_products,
    resolve_component,
)
from app.services.destinations import question_destination, question_destinations
from app.services.paths import PathStep, describe_path
from app.services.registry_cache import RegistrySnapshot
from app.services.registry_file import ruleset_document
from app.services.visibility import (
    Sight,
    bom_filter,
    knowable,
    redacted_answer,
    sees_product,
    shows_any_bom,
    shows_bom,
    sight_of,
    visible_boms,
)
from app.store.rows import DecisionRow
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.graph.portfolio import PortfolioGraph, Scope
    from app.services.runtime import Runtime

DEFAULT_PATH_LIMIT = 10


@dataclass(frozen=True, slots=True)
class ExplainedBlocker:
    blocker: Blocker
    identity: str
    paths: tuple[tuple[PathStep, ...], ...]
    paths_omitted: int


@dataclass(frozen=True, slots=True)
class CheckResult:
    product: ComponentView
    check: ExportCheck
    blockers: tuple[ExplainedBlocker, ...]
    evidence_sha256: str
    decision_id: int | None = None
    # What the caller may see of the answer (None: all of it).
    sight: Sight | None = None
    # Every BOM the answer used: the product's current BOMs and those it expands through.
    boms: tuple[BomFacts, ...] = ()

    def for_caller(self) -> dict[str, Any]:
        """The answer as the caller who asked may see it (app.services.visibility)."""
        document = self.answer()
        return document if self.sight is None else redacted_answer(document, self.sight)

    def answer(self, visible: frozenset[int] | None = None) -> dict[str, Any]:
        """The answer in the field names of PRODUCT.md section 8; stored whole as the record,
        and redacted for a caller who may see only the BOMs in `visible`."""
        question = self.check.question
        document = {
            "decision": self.check.decision.value,
            "product": {
                "id": self.product.id,
                "name": self.product.display_name,
                "identity": self.product.identity_key,
            },
            "destination": question.destination,
            # Each country the destination names (itself, or a group's), with its answer.
            "countries": [
                {
                    "destination": country.destination,
                    "decision": country.decision.value,
                    "not_in_scope_code": (
                        country.scope_reason.value if country.scope_reason else None
                    ),
                    "not_in_scope_reason": (
                        country.scope_reason.sentence if country.scope_reason else None
                    ),
                }
                for country in self.check.countries
            ],
            "ineligible_countries": list(self.check.ineligible_countries),
            "date": question.day.isoformat(),
            "sector": question.sector,
            "ruleset": self.check.ruleset,
            "not_in_scope_code": (
                self.check.scope_reason.value if self.check.scope_reason else None
            ),
            "not_in_scope_reason": (
                self.check.scope_reason.sentence if self.check.scope_reason else None
            ),
            "blocking": [
                {
                    "component": {
                        "id": explained.blocker.component.component_id,
                        "name": explained.blocker.component.name,
                        "identity": explained.identity,
                    },
                    "reason": explained.blocker.reason.value,
                    "detail": explained.blocker.detail,
                    "certificate": explained.blocker.certificate,
                    "certificates": [
                        {
                            "number": considered.certificate,
                            "failures": [
                                {"reason": failure.reason.value, "detail": failure.detail}
                                for failure in considered.failures
                            ],
                        }
                        for considered in explained.blocker.certificates
                    ],
                    "countries": list(explained.blocker.countries),
                    "path": _path_document(explained.paths[0]) if explained.paths else [],
                    "paths": [_path_document(path) for path in explained.paths],
                    "more_paths": explained.paths_omitted,
                }
                for explained in self.blockers
            ],
            "warnings": [
                {
                    "code": w.code.value,
                    "message": w.message,
                    "component": w.component,
                    "component_id": w.component_id,
                }
                for w in self.check.warnings
            ],
            "verified": [
                {"component": name, "certificate": number} for name, number in self.check.verified
            ],
            "boms": [
                {"id": facts.bom_id, "serial_number": facts.serial_number, "version": facts.version}
                for facts in self.boms
            ],
            "evidence_sha256": self.evidence_sha256,
            "decision_id": self.decision_id,
        }
        return document if visible is None else redacted_answer(document, visible)


def _path_document(path: tuple[PathStep, ...]) -> list[dict[str, Any]]:
    return [
        {"parent": s.parent, "child": s.child, "kind": s.kind, "bom_ids": list(s.bom_ids)}
        for s in path
    ]


@dataclass(frozen=True, slots=True)
class AiJudgement:
    """How AI status is judged inside one product on one day: explicit signals of its own
    BOMs first, never overridden; then classification records that apply to the product's
    owner, settling a component either way; then the ruleset's suspected-AI hints."""

    ruleset: Ruleset
    classified: Mapping[int, bool] = dataclasses.field(default_factory=dict)

    def of(self, graph: PortfolioGraph, scope: Scope, component_id: int) -> tuple[bool, str | None]:
        """(counts as an AI component, why it is suspected of being one)."""
        if scope.is_ai(component_id):
            return True, None
        settled = self.classified.get(component_id)
        if settled is not None:
            return settled, None
        suspected = _suspicion(graph, scope, component_id, self.ruleset)
        return suspected is not None and self.ruleset.suspected_ai_is_ai, suspected


def ai_judgement(
    uow: UnitOfWork, snapshot: RegistrySnapshot, scope: Scope, day: dt.date
) -> AiJudgement:
    """The judgement for one product: its ruleset on the day, and the classification records
    in force then that speak for its owner (global ones, or its owner's own)."""
    inside = scope.closure
    records = {c: found for c, found in snapshot.classifications.items() if c in inside}
    owner = None
    if records:
        owner_id = uow.ownership.owner(scope.product_id)
        organisation = uow.access.organisation_by_id(owner_id) if owner_id is not None else None
        owner = organisation.code if organisation is not None else None
    classified = {
        c: settled
        for c, found in records.items()
        if (settled := settle(found, day, owner)) is not None
    }
    return AiJudgement(snapshot.ruleset_on(day), classified)


def _member(
    graph: PortfolioGraph,
    scope: Scope,
    component_id: int,
    claims: tuple[str, ...],
    judgement: AiJudgement,
) -> Member:
    node = graph.node(component_id)
    is_ai, suspected = judgement.of(graph, scope, component_id)
    return Member(
        component_id=component_id,
        identity_key=IdentityKey(node.identity_key),
        name=node.display_name,
        type=node.type,
        is_ai=is_ai,
        contents_known=(
            graph.is_product(component_id)
            or scope.holds_anything(component_id)
            or any(not link.is_missing for link in graph.links_of(component_id))
        ),
        claimed_certificates=claims,
        suspected=suspected,
    )


def _suspicion(
    graph: PortfolioGraph, scope: Scope, component_id: int, ruleset: Ruleset
) -> str | None:
    node = graph.node(component_id)
    return suspected_hint(
        type_=node.type,
        name=node.name,
        purl=node.purl,
        artifacts=scope.artifacts(component_id),
        nested_in_ai=node.type in ("file", "data") and scope.nested_in_ai(component_id),
        hints=ruleset.ai_hints,
    )


def _evidence_digest(
    product: ProductSlice, registry: Registry, question: Question, bom_digests: list[str]
) -> str:
    """SHA-256 over a canonical form of everything the decision used: the same inputs on
    the same data give the same digest, and any change to them gives another."""
    canonical = {
        "question": [question.destination, question.day.isoformat(), question.sector],
        "ruleset": ruleset_document(registry.ruleset),
        "product": product.product.identity_key,
        "boms": sorted(bom_digests),
        "facts": [
            product.sector,
            list(product.incomplete_aggregates),
            product.human_oversight,
        ],
        "members": [
            [
                m.identity_key,
                m.type,
                m.is_ai,
                m.contents_known,
                list(m.claimed_certificates),
                m.suspected,
            ]
            for m in (product.product, *product.members)
        ],
        "missing_links": [list(link) for link in product.missing_links],
        # Positional and without derived fields (a status follows from the events and the
        # dates): a product may read hundreds of certificates, and this runs on every check.
        "certificates": [
            [
                c.number,
                c.subject,
                c.reviewer_id,
                sorted(c.dimensions),
                c.issued.isoformat(),
                c.expires.isoformat(),
                sorted(c.destinations),
                sorted(c.sectors),
                [[e.date.isoformat(), e.status.value, e.reason] for e in c.events],
            ]
            for key in sorted(registry.certificates)
            for c in registry.certificates[key]
        ],
        "reviewers": [
            [
                r.id,
                [
                    [p.start.isoformat(), p.end.isoformat() if p.end else None]
                    for p in r.accreditations
                ],
            ]
            for _, r in sorted(registry.reviewers.items())
        ],
    }
    encoded = json.dumps(canonical, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class UnsavedBom:
    """A BOM checked without being stored: it stands in the graph as BOM id 0."""

    contents: BomContents
    sha256: str
    component_ids: Mapping[Identity, int]

    BOM_ID: ClassVar[int] = 0

    def claims(self) -> dict[int, tuple[str, ...]]:
        found: dict[int, dict[str, None]] = {}
        for mention in self.contents.mentions:
            for claim in mention.claimed_certificates:
                found.setdefault(self.component_ids[mention.identity], {})[claim.number] = None
        return {component: tuple(sorted(numbers)) for component, numbers in found.items()}


def _bom_facts(
    uow: UnitOfWork, graph: PortfolioGraph, scope: Scope, unsaved: UnsavedBom | None
) -> tuple[BomFacts, ...]:
    """What every BOM of the product says beyond its parts (the unsaved one from itself)."""
    stored = [bom for bom in scope.boms if bom != UnsavedBom.BOM_ID]
    facts = uow.boms.facts(stored)
    if unsaved is not None and UnsavedBom.BOM_ID in scope.boms:
        contents = unsaved.contents
        facts.insert(
            0,
            BomFacts(
                UnsavedBom.BOM_ID,
                contents.serial_number,
                contents.version,
                contents.sector,
                contents.human_oversight,
                contents.incomplete_aggregates,
                dt.datetime.now(dt.UTC).date(),
                graph.product(scope.product_id).component_id,
            ),
        )
    return tuple(facts)


def _with_change_warning(  # noqa: PLR0917 - what the warning is computed from
    uow: UnitOfWork,
    graph: PortfolioGraph,
    scope: Scope,
    slice_: ProductSlice,
    registry: Registry,
    outcome: ExportCheck,
) -> ExportCheck:
    """The answer with `product_changed_since_certificate` when AI components came into the
    product after the product certificate it holds was issued."""
    numbers = {number for name, number in outcome.verified if name == slice_.product.name}
    held = sorted(
        (c for c in registry.certificates_of(slice_.product) if c.number in numbers),
        key=lambda c: (c.issued, c.number),
    )
    if not held:
        return outcome
    certificate = held[-1]
    assemblies = [c for c in scope.closure if c > 0 and graph.is_product(c)]
    ai = [member.component_id for member in slice_.members if member.is_ai]
    baseline = uow.boms.mentioned_by(scope.product_id, assemblies, ai, certificate.issued)
    warning = changed_since_certificate(slice_, certificate, baseline)
    if warning is None:
        return outcome
    return dataclasses.replace(outcome, warnings=(*outcome.warnings, warning))


def _with_claims_elsewhere(
    graph: PortfolioGraph, scope: Scope, slice_: ProductSlice, outcome: ExportCheck
) -> ExportCheck:
    """The answer with `ai_claimed_elsewhere` for each component a BOM outside the product
    calls AI and the product's own BOMs do not: it changes nothing (another organisation's
    word neither adds nor removes AI status), and only administrators are shown it."""
    anywhere = graph.nodes_where("ai-anywhere", lambda node, _: bool(node.ai_boms))
    claimed = sorted(
        (c for c in anywhere & scope.closure.keys() if not scope.is_ai(c)),
        key=lambda c: (graph.node(c).identity_key, c),
    )
    if not claimed:
        return outcome
    warnings = [
        DecisionWarning(
            WarningCode.AI_CLAIMED_ELSEWHERE,
            f"a BOM that is not part of {slice_.product.name} calls "
            f"{graph.node(c).display_name} an AI component; only the product's own BOMs "
            "count",
            graph.node(c).display_name,
            c,
        )
        for c in claimed
    ]
    return dataclasses.replace(outcome, warnings=(*outcome.warnings, *warnings))


def _scope(graph: PortfolioGraph, product: ComponentView) -> Scope:
    if product.id not in graph or not graph.is_product(product.id):
        raise NotFoundError(
            f"{product.display_name} is not a product: no BOM describes it, so nothing is "
            "known of what it holds"
        )
    return graph.scope(product.id)


def relevant_members(graph: PortfolioGraph, scope: Scope, judgement: AiJudgement) -> list[int]:
    """The members the decision looks at, in identity order: AI components (by the
    product's own BOMs, by classification, or suspected by a hint), components joined by
    BOM-Link, and assemblies nothing is known to be inside (the only ones a warning is
    about). Which components could be any of these is known once per graph and ruleset;
    each check then decides only for those inside its product."""
    hints = judgement.ruleset.ai_hints

    def could_matter(node: PortfolioNode, linked: bool) -> bool:
        return (
            bool(node.ai_boms)
            or linked
            or node.type in ASSEMBLY_TYPES
            or suspected_hint(
                type_=node.type,
                name=node.name,
                purl=node.purl,
                artifacts=[a for _, found in node.artifacts for a in found],
                nested_in_ai=False,
                hints=hints,
            )
            is not None
        )

    candidates = graph.nodes_where(("relevant", hints), could_matter)
    inside = scope.closure
    relevant = []
    for component in (candidates | judgement.classified.keys()) & inside.keys():
        if component == scope.product_id:
            continue
        node = graph.node(component)
        if (
            scope.is_ai(component)
            or judgement.classified.get(component) is True
            or graph.links_of(component)
            or (
                node.type in ASSEMBLY_TYPES
                and not graph.is_product(component)
                and not scope.holds_anything(component)
            )
            or _suspicion(graph, scope, component, judgement.ruleset) is not None
        ):
            relevant.append(component)
    return sorted(relevant, key=lambda c: (graph.node(c).identity_key, c))


def product_slice(  # noqa: PLR0917 - the slice's inputs, each a different thing
    graph: PortfolioGraph,
    scope: Scope,
    relevant: list[int],
    claims: Mapping[int, tuple[str, ...]],
    boms: tuple[BomFacts, ...],
    judgement: AiJudgement,
) -> ProductSlice:
    product_id = scope.product_id
    own = [facts for facts in boms if facts.bom_id in graph.product(product_id).bom_ids]
    # Several current BOMs of one product may each name a sector. When they disagree no one
    # of them answers: the check asks as for an unnamed sector, which only a certificate for
    # every sector passes, and the answer says why.
    sectors = sorted({facts.sector for facts in own if facts.sector})
    return ProductSlice(
        product=_member(graph, scope, product_id, claims.get(product_id, ()), judgement),
        members=tuple(_member(graph, scope, c, claims.get(c, ()), judgement) for c in relevant),
        sector=sectors[0] if len(sectors) == 1 else None,
        sectors=tuple(sectors),
        incomplete_aggregates=tuple(
            dict.fromkeys(a for facts in own for a in facts.incomplete_aggregates)
        ),
        human_oversight=any(facts.human_oversight for facts in own),
        boms=boms,
        current_boms=tuple(sorted(graph.product(product_id).bom_ids)),
        missing_links=tuple(
            dict.fromkeys(
                (link.source_id, graph.node(link.source_id).display_name, link.urn)
                for link in scope.missing_links
            )
        ),
    )


def certified_keys(slice_: ProductSlice) -> list[IdentityKey]:
    """The components whose certificates the decision reads: the product and its AI."""
    return [slice_.product.identity_key, *(m.identity_key for m in slice_.members if m.is_ai)]


def _claimants(scope: Scope, relevant: list[int]) -> list[int]:
    # Claims matter where certificates do: the product and its AI components.
    return [scope.product_id, *relevant]


def _decision_inputs(
    uow: UnitOfWork,
    graph: PortfolioGraph,
    scope: Scope,
    relevant: list[int],
    claims: Mapping[int, tuple[str, ...]],
    *,
    snapshot: RegistrySnapshot,
    judgement: AiJudgement,
    day: dt.date,
    unsaved: UnsavedBom | None = None,
) -> tuple[ProductSlice, Registry]:
    """What the decision rule reads about one product: its slice and its registry part."""
    if unsaved is not None:
        merged = dict(claims)
        for component, numbers in unsaved.claims().items():
            merged[component] = tuple(sorted({*merged.get(component, ()), *numbers}))
        claims = merged
    slice_ = product_slice(
        graph,
        scope,
        relevant,
        claims,
        _bom_facts(uow, graph, scope, unsaved),
        judgement,
    )
    return slice_, snapshot.for_keys(certified_keys(slice_), day)


@dataclass(frozen=True, slots=True)
class ProductStanding:
    """A product as listed, with where it may go on the day asked."""

    summary: ProductSummary
    statuses: tuple[GroupStatus, ...]


def destination_groups(ruleset: Ruleset, requested: Sequence[str] | None) -> tuple[str, ...]:
    """The groups to weigh: those asked for (a group the ruleset defines, or a country
    code), else every group the ruleset defines."""
    if requested is None:
        return tuple(sorted(ruleset.country_groups))
    return question_destinations(requested, ruleset)


def product_standings(
    runtime: Runtime,
    viewer: Viewer | None,
    *,
    groups: Sequence[str] | None,
    day: dt.date,
    sector: str | None = None,
    after_id: int = 0,
    limit: int | None = None,
    product_id: int | None = None,
) -> list[ProductStanding]:
    """Products (one, or a page) with their status per destination group; nothing recorded."""
    with runtime.reading() as uow:
        graph = runtime.cache.current(uow)
        snapshot = runtime.registry.current(uow)
        weighed = destination_groups(snapshot.ruleset_on(day), groups)
        if product_id is not None:
            summaries = [get_product(uow, runtime.cache, product_id, viewer)]
        else:
            summaries = list_products(uow, runtime.cache, viewer, after_id=after_id, limit=limit)
        scopes = {s.product.id: graph.scope(s.product.id) for s in summaries}
        judgements = {
            product: ai_judgement(uow, snapshot, scope, day) for product, scope in scopes.items()
        }
        relevant = {
            product: relevant_members(graph, scope, judgements[product])
            for product, scope in scopes.items()
        }
        standings = []
        for summary in summaries:
            product = summary.product
            scope = scopes[product.id]
            claims = uow.graph.claims_for(_claimants(scope, relevant[product.id]), scope.boms)
            slice_, registry = _decision_inputs(
                uow,
                graph,
                scope,
                relevant[product.id],
                claims,
                snapshot=snapshot,
                judgement=judgements[product.id],
                day=day,
            )
            statuses = tuple(group_status(slice_, registry, g, day, sector) for g in weighed)
            standings.append(ProductStanding(summary, statuses))
        return standings


def evaluate(
    uow: UnitOfWork,
    graph: PortfolioGraph,
    product: ComponentView,
    question: Question,
    *,
    path_limit: int = DEFAULT_PATH_LIMIT,
    snapshot: RegistrySnapshot,
    what_if: Callable[[Registry], Registry] | None = None,
    unsaved: UnsavedBom | None = None,
) -> CheckResult:
    """The check of one product against the committed portfolio and registry (and, for a
    dry run, an unsaved BOM standing in the graph)."""
    scope = _scope(graph, product)
    judgement = ai_judgement(uow, snapshot, scope, question.day)
    relevant = relevant_members(graph, scope, judgement)
    claims = uow.graph.claims_for(_claimants(scope, relevant), scope.boms)
    slice_, registry = _decision_inputs(
        uow,
        graph,
        scope,
        relevant,
        claims,
        snapshot=snapshot,
        judgement=judgement,
        day=question.day,
        unsaved=unsaved,
    )
    if what_if is not None:
        registry = what_if(registry)
    outcome = check(slice_, registry, question)
    outcome = _with_change_warning(uow, graph, scope, slice_, registry, outcome)
    outcome = _with_claims_elsewhere(graph, scope, slice_, outcome)
    found = [
        (blocker, *scope.paths_to(blocker.component.component_id, path_limit))
        for blocker in outcome.blockers
    ]
    # One query names every BOM on every path.
    bom_names = uow.boms.subject_names(
        d.bom_id
        for _, paths, _ in found
        for path in paths
        for step in path.steps
        for d in step.declarations
    )
    explained = [
        ExplainedBlocker(
            blocker=blocker,
            identity=blocker.component.identity_key,
            paths=tuple(describe_path(uow, graph, path, bom_names) for path in paths),
            paths_omitted=omitted,
        )
        for blocker, paths, omitted in found
    ]
    digests = list(uow.boms.digests(scope.boms).values())
    if unsaved is not None and UnsavedBom.BOM_ID in scope.boms:
        digests.append(unsaved.sha256)
    digest = _evidence_digest(slice_, registry, outcome.question, digests)
    return CheckResult(product, outcome, tuple(explained), digest, boms=slice_.boms)


def check_export(
    runtime: Runtime,
    product_reference: str,
    question: Question,
    *,
    record: bool,
    path_limit: int = DEFAULT_PATH_LIMIT,
    viewer: Viewer | None = None,
    where: str = "to",
    actor: str | None = None,
) -> CheckResult:
    """Answer, and (unless a dry run) keep the answer as an immutable decision record made
    by `actor` (the asking key, or the command). The
    verdict always uses every BOM; what the caller is shown of other organisations' private
    BOMs is redacted (`for_caller`), and a product it may not see is not found, in the words
    used for a product that does not exist. A destination that is neither a country code
    nor a group of the ruleset in force on the date is refused, naming `where` it was given,
    and nothing is recorded."""
    with runtime.reading() as uow:
        snapshot = runtime.registry.current(uow)
        question = _asked(question, snapshot, where)
        visible = visible_boms(uow, viewer)
        try:
            product = resolve_component(uow, product_reference)
        except NotFoundError:
            if visible is None:
                raise
            product = None
        graph = runtime.cache.current(uow)
        if visible is not None and (
            product is None or not sees_product(graph, product.id, visible)
        ):
            raise NotFoundError(f"no product {product_reference!r}")
        assert product is not None  # noqa: S101 - resolved, or raised above
        result = evaluate(
            uow,
            graph,
            product,
            question,
            path_limit=path_limit,
            snapshot=snapshot,
        )
        result = dataclasses.replace(result, sight=sight_of(graph, product.id, visible))
    if not record:
        return result
    with runtime.writing() as uow:
        row = uow.registry.add_decision(
            DecisionRow(
                product_id=product.id,
                destination=result.check.question.destination,
                on_date=result.check.question.day,
                sector=result.check.question.sector,
                ruleset_version=result.check.ruleset,
                decision=result.check.decision.value,
                answer={},
                evidence_sha256=result.evidence_sha256,
                decided_at=dt.datetime.now(dt.UTC),
                decided_by=actor,
            )
        )
        recorded = dataclasses.replace(result, decision_id=row.id)
        row.answer = recorded.answer()
        uow.commit()
    return recorded


def _asked(question: Question, snapshot: RegistrySnapshot, where: str) -> Question:
    """The question with its destination normalised, or refused (see `destinations`)."""
    ruleset = snapshot.ruleset_on(question.day)
    return dataclasses.replace(
        question, destination=question_destination(question.destination, ruleset, where=where)
    )


def get_decision(uow: UnitOfWork, decision_id: int, viewer: Viewer | None = None) -> dict[str, Any]:
    """A stored decision as it was answered; for a caller who may not see every BOM, the
    same redaction as the live answer, and not found unless it may see the product."""
    row = uow.registry.decision(decision_id)
    visible = visible_boms(uow, viewer)
    if row is None or not shows_any_bom(
        visible, (b.id for b in uow.boms.of_subject(row.product_id))
    ):
        raise NotFoundError(f"no decision record {decision_id}")
    answer = dict(row.answer) if visible is None else redacted_answer(row.answer, visible)
    return {**answer, "decided_at": row.decided_at.isoformat()}


@dataclass(frozen=True, slots=True)
class DecisionSummary:
    """One decision record as an auditor lists them: what was asked, answered, and when."""

    id: int
    product_id: int
    destination: str
    date: dt.date
    sector: str | None
    ruleset: str
    decision: str
    evidence_sha256: str
    decided_at: dt.datetime


def list_decisions(
    uow: UnitOfWork,
    viewer: Viewer | None,
    *,
    product_id: int | None = None,
    decision: str | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> list[DecisionSummary]:
    """Decision records in the order they were made, about products the viewer may see."""
    rows = uow.registry.decisions(
        product_id=product_id,
        decision=decision,
        after_id=after_id,
        limit=limit,
        visible_to=bom_filter(uow, viewer),
    )
    return [
        DecisionSummary(
            id=row.id,
            product_id=row.product_id,
            destination=row.destination,
            date=row.on_date,
            sector=row.sector,
            ruleset=row.ruleset_version,
            decision=row.decision,
            evidence_sha256=row.evidence_sha256,
            decided_at=row.decided_at,
        )
        for row in rows
    ]


def dry_run(
    runtime: Runtime,
    data: bytes,
    media_type: str | None,
    question: Question,
    *,
    path_limit: int = DEFAULT_PATH_LIMIT,
    viewer: Viewer | None = None,
    where: str = "to",
) -> CheckResult:
    """Check the product an unsaved BOM describes, as if that BOM were its current one,
    against everything stored. Nothing is stored, not even a decision record. The unsaved
    BOM is the caller's own; what it is shown of the rest is redacted as in a stored check
    (`for_caller`), and a stored component it may not know of is shown as if unknown."""
    with runtime.reading() as uow:
        snapshot = runtime.registry.current(uow)
        question = _asked(question, snapshot, where)
    read = read_bom(data, media_type, runtime.limits)
    contents = read.contents
    with runtime.reading() as uow:
        portfolio = runtime.cache.current(uow)
        known = uow.components.ids_for({m.identity for m in contents.mentions})
        ids = _unsaved_ids(known, contents)
        unsaved = UnsavedBom(contents, read.sha256, ids)
        subject_id = ids[contents.subject.identity]
        graph = portfolio.with_bom(
            _as_if_uploaded(
                uow, portfolio, subject_id, contents, visible_boms(uow, viewer)
            ),
            nodes=[_unsaved_node(ids[m.identity], m) for m in contents.mentions],
            edges=[
                PortfolioEdge(ids[source], ids[target], kind, UnsavedBom.BOM_ID)
                for source, target, kind in _edges(contents)
            ],
            links=uow.graph.resolve_links(
                [
                    RawLink(ids[m.identity], UnsavedBom.BOM_ID, link.serial_number,
                            link.version, link.ref, m.location)
                    for m in contents.mentions
                    for link in m.links
                ],
                portfolio.current_bom_ids(),
            ),
        )  # fmt: skip
        subject = contents.subject
        product = ComponentView(
            ids[subject.identity],
            subject.identity.kind.value,
            subject.identity.key,
            subject.name,
            subject.version,
            subject.group,
            subject.purl,
        )
        result = evaluate(
            uow,
            graph,
            product,
            question,
            path_limit=path_limit,
            snapshot=snapshot,
            unsaved=unsaved,
        )
        visible = visible_boms(uow, viewer)
        if visible is None:
            return result
        may_know = knowable(uow, viewer, set(known.values())) or frozenset()
        shown = _unsaved_ids({i: c for i, c in known.items() if c in may_know}, contents)
        aliases = {ids[i]: shown[i] for i in ids if ids[i] != shown[i]}
        own = visible | {UnsavedBom.BOM_ID}
        return dataclasses.replace(result, sight=sight_of(graph, product.id, own, aliases))


def _unsaved_ids(known: Mapping[Identity, int], contents: BomContents) -> dict[Identity, int]:
    """The stored id of each component the unsaved BOM mentions, where `known`; others get
    ids no stored one can have (-1, -2, ... in the order the BOM mentions them)."""
    ids: dict[Identity, int] = dict(known)
    for mention in contents.mentions:
        ids.setdefault(mention.identity, -(len(ids) - len(known) + 1))
    return ids


def _unsaved_node(component_id: int, mention: Mention) -> PortfolioNode:
    bom = UnsavedBom.BOM_ID
    return PortfolioNode(
        component_id,
        mention.identity.key,
        mention.name,
        mention.version,
        mention.type,
        frozenset({bom}) if mention.is_ai else frozenset(),
        mention.purl,
        ((bom, mention.artifacts),) if mention.artifacts else (),
    )


def _as_if_uploaded(
    uow: UnitOfWork,
    graph: PortfolioGraph,
    subject_id: int,
    contents: BomContents,
    visible: frozenset[int] | None,
) -> Product:
    """The product were the unsaved BOM uploaded: it joins the subject's current BOMs that
    the caller may see (another organisation's would refuse its upload, and are none of its
    business) and takes the place of those of its own lineage (the same serial number, or
    none)."""
    current = graph.product(subject_id).bom_ids if graph.is_product(subject_id) else ()
    kept = [
        facts.bom_id
        for facts in uow.boms.facts(current)
        if facts.serial_number is not None
        and facts.serial_number != contents.serial_number
        and shows_bom(visible, facts.bom_id)
    ]
    return Product(subject_id, (UnsavedBom.BOM_ID, *kept))


def _edges(contents: BomContents) -> list[tuple[Identity, Identity, EdgeKind]]:
    identity = {mention.ref: mention.identity for mention in contents.mentions}
    return [(identity[e.source], identity[e.target], e.kind) for e in contents.edges]

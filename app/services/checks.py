"""The export check: ask the domain's decision rule about one product, explain every blocker
with its paths, and keep the answer as a decision record."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.domain.access import Viewer
from app.domain.decision import Blocker, ExportCheck, check
from app.domain.decision_warnings import DecisionWarning, changed_since_certificate
from app.domain.errors import NotFoundError
from app.domain.portfolio import BomFacts
from app.domain.product_slice import ProductSlice, Question, Registry
from app.domain.reasons import WarningCode
from app.domain.stored import ComponentRecord, NewDecision
from app.services.components import resolve_component
from app.services.destinations import question_destination
from app.services.evidence import (
    UnsavedBom,
    decision_inputs,
    evidence_document,
    kept_decision_inputs,
)
from app.services.evidence_bundle import sign_record
from app.services.paths import PathStep, describe_path
from app.services.registry_cache import RegistrySnapshot
from app.services.visibility import Sight, redacted_answer, sees_product, sight_of, visible_boms
from app.signing.evidence_leaves import evidence_digest
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.graph.portfolio import PortfolioGraph
    from app.graph.scope import Scope
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
    product: ComponentRecord
    check: ExportCheck
    blockers: tuple[ExplainedBlocker, ...]
    evidence_sha256: str
    decision_id: int | None = None
    # What the caller may see of the answer (None: all of it).
    sight: Sight | None = None
    # Every BOM the answer used: the product's current BOMs and those it expands through.
    boms: tuple[BomFacts, ...] = ()
    # What `evidence_sha256` covers (docs/evidence.md), kept with the record.
    evidence: dict[str, Any] = dataclasses.field(default_factory=dict)

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


def _scope(graph: PortfolioGraph, product: ComponentRecord) -> Scope:
    if product.id not in graph or not graph.is_product(product.id):
        raise NotFoundError(
            f"{product.display_name} is not a product: no BOM describes it, so nothing is "
            "known of what it holds"
        )
    return graph.scope(product.id)


def evaluate(
    uow: UnitOfWork,
    graph: PortfolioGraph,
    product: ComponentRecord,
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
    if unsaved is None:
        slice_, registry = kept_decision_inputs(
            uow, graph, product.id, snapshot=snapshot, day=question.day, scope=scope
        )
    else:
        slice_, registry = decision_inputs(
            uow, graph, scope, snapshot=snapshot, day=question.day, unsaved=unsaved
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
    evidence = evidence_document(
        slice_, registry, outcome.question, digests, lambda c: graph.node(c).identity_key
    )
    digest = evidence_digest(evidence, uow.evidence.secret())
    return CheckResult(
        product, outcome, tuple(explained), digest, boms=slice_.boms, evidence=evidence
    )


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
        question = asked_question(question, snapshot, where)
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
        uow.evidence.keep(result.evidence_sha256, result.evidence)
        decided = NewDecision(
            product_id=product.id,
            destination=result.check.question.destination,
            on_date=result.check.question.day,
            sector=result.check.question.sector,
            ruleset_version=result.check.ruleset,
            decision=result.check.decision.value,
            evidence_sha256=result.evidence_sha256,
            decided_at=dt.datetime.now(dt.UTC),
            decided_by=actor,
        )
        decision_id = uow.decisions.reserve(decided)
        recorded = dataclasses.replace(result, decision_id=decision_id)
        answer = recorded.answer()
        uow.decisions.keep_answer(decision_id, answer)
        sign_record(uow, runtime.signer, decision_id, decided, answer)
        uow.commit()
    return recorded


def asked_question(question: Question, snapshot: RegistrySnapshot, where: str) -> Question:
    """The question with its destination normalised, or refused (see `destinations`)."""
    ruleset = snapshot.ruleset_on(question.day)
    return dataclasses.replace(
        question, destination=question_destination(question.destination, ruleset, where=where)
    )

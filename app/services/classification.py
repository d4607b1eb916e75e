"""Classification records: a reviewer, procurement or administrator key records that a
component is, or is not, an AI component; the export check settles them per product owner
(app.domain.classification.settle)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from app.domain.access import Principal, Role, Viewer
from app.domain.classification import Classification, ClassificationScope, refusals
from app.domain.errors import ClassificationRejectedError, NotFoundError, PermissionDeniedError
from app.domain.paging import CLASSIFICATIONS, WHOLE_LIST, Page, PageRequest
from app.domain.statuses import Cause, CauseKind
from app.domain.stored import ComponentRecord
from app.services.components import resolve_component
from app.services.status_work import note_change
from app.services.visibility import visible_classifications
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.services.runtime import Runtime

# Who may record (administrators always may): procurement for its own organisation's
# products, reviewers and administrators for everyone's.
RECORDERS = frozenset({Role.REVIEWER, Role.PROCUREMENT})
_GLOBAL_ROLES = frozenset({Role.ADMIN, Role.REVIEWER})


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def scope_of(principal: Principal) -> ClassificationScope:
    """An administrator's or reviewer's record speaks for every product; a procurement
    key's only for its own organisation's."""
    if principal.roles & _GLOBAL_ROLES:
        return ClassificationScope.GLOBAL
    return ClassificationScope.ORGANISATION


def record_classification(
    runtime: Runtime,
    principal: Principal,
    component_reference: str,
    *,
    is_ai: bool,
    reason: str,
    expires: dt.date | None,
) -> Classification:
    """Record the key's decision about a component it may see (by id, purl, … as
    `resolve_component` reads it); commits."""
    if not principal.may(RECORDERS):
        names = ", ".join(sorted(RECORDERS | {Role.ADMIN}))
        raise PermissionDeniedError(f"recording a classification needs one of the roles: {names}")
    with runtime.writing() as uow:
        component = resolve_component(uow, component_reference, Viewer.of(principal))
        organisation = uow.access.organisation(principal.organisation)
        if organisation is None:  # pragma: no cover - a key always belongs to an organisation
            raise NotFoundError(f"no organisation {principal.organisation!r}")
        return _record(
            uow,
            component,
            is_ai=is_ai,
            reason=reason,
            expires=expires,
            actor=principal.actor,
            organisation_id=organisation.id,
            scope=scope_of(principal),
        )


def record_classification_as_operator(
    runtime: Runtime,
    component_reference: str,
    *,
    is_ai: bool,
    reason: str,
    expires: dt.date | None,
    operator: str,
    organisation: str = "local",
) -> Classification:
    """The operator at the command line records a global decision, as an administrator
    would; `operator` names who ran the command. Commits."""
    with runtime.writing() as uow:
        component = resolve_component(uow, component_reference)
        now = _now()
        # As `exportgate ingest` does, the operator's organisation exists once it acts.
        found, _ = uow.access.organisation_or_new(organisation, organisation, now, operator)
        return _record(
            uow,
            component,
            is_ai=is_ai,
            reason=reason,
            expires=expires,
            actor=operator,
            organisation_id=found.id,
            scope=ClassificationScope.GLOBAL,
            now=now,
        )


def _record(
    uow: UnitOfWork,
    component: ComponentRecord,
    *,
    is_ai: bool,
    reason: str,
    expires: dt.date | None,
    actor: str,
    organisation_id: int,
    scope: ClassificationScope,
    now: dt.datetime | None = None,
) -> Classification:
    decided_at = now or _now()
    problems = refusals(reason, expires, decided_at.date())
    if problems:
        raise ClassificationRejectedError(
            f"the classification of {component.display_name} was refused", problems
        )
    recorded = uow.classifications.add(
        component_id=component.id,
        is_ai=is_ai,
        reason=reason.strip(),
        expires=expires,
        decided_at=decided_at,
        actor=actor,
        organisation_id=organisation_id,
        scope=scope,
    )
    private_to = recorded.organisation if scope is ClassificationScope.ORGANISATION else None
    cause = Cause(CauseKind.CLASSIFICATION, str(recorded.id), private_to=private_to)
    note_change(uow, cause, [component.id], at=decided_at)
    uow.commit()
    return recorded


def list_classifications(
    runtime: Runtime,
    component_id: int,
    viewer: Viewer | None,
    *,
    paging: PageRequest = WHOLE_LIST,
) -> Page[Classification]:
    """A page of `classifications_of`, oldest first, in a unit of work of its own."""
    with runtime.reading() as uow:
        recorded = classifications_of(uow, component_id, viewer)
    return CLASSIFICATIONS.page_within(recorded, lambda c: c.id, paging)


def classifications_by_reference(
    runtime: Runtime, reference: str
) -> tuple[ComponentRecord, list[Classification]]:
    """The component a reference names and every record of it, for the operator."""
    with runtime.reading() as uow:
        component = resolve_component(uow, reference)
        return component, classifications_of(uow, component.id, None)


def classifications_of(
    uow: UnitOfWork, component_id: int, viewer: Viewer | None
) -> list[Classification]:
    """A component's records, oldest first, as the viewer may see them: global ones and
    its own organisation's (an administrator, or no viewer, sees all). A component the
    viewer may not see is not found, exactly like one that does not exist. Within the
    caller's unit of work."""
    resolve_component(uow, str(component_id), viewer)
    recorded = uow.classifications.for_components([component_id]).get(component_id, [])
    return visible_classifications(recorded, viewer)


def classifications_for(
    uow: UnitOfWork, component_ids: Iterable[int]
) -> dict[int, list[Classification]]:
    """Every record of these components (whoever may see them), oldest first, read in one
    query per chunk of ids: what the export check settles per product owner. Components
    without records are absent."""
    return uow.classifications.for_components(component_ids)

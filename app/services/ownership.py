"""Who may publish BOMs for a subject, and the end of a BOM's time as current: ownership,
delegation, transfer and retirement, each recorded as an event that is never edited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.access import Viewer
from app.domain.copying import copied
from app.domain.errors import ConflictError, NotFoundError, PermissionDeniedError
from app.domain.ownership import OwnershipChange, OwnershipEventKind
from app.domain.statuses import Cause, CauseKind
from app.domain.stored import BomEnding
from app.services.boms import visible_bom
from app.services.components import resolve_component
from app.services.status_work import bom_seeds, note_change
from app.services.visibility import organisation_id, visible_boms

if TYPE_CHECKING:
    from app.services.runtime import Runtime
    from app.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class OwnershipEvent:
    kind: str
    organisation: str
    previous_organisation: str | None
    reason: str
    actor: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class Ownership:
    component_id: int
    component: str
    owner: str | None
    delegates: tuple[str, ...]
    events: tuple[OwnershipEvent, ...]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _subject(uow: UnitOfWork, reference: str, viewer: Viewer | None) -> tuple[int, str]:
    """A subject the viewer may know of: one of its own, or with a BOM it may see; any other
    is not found, exactly like one that does not exist."""
    visible = visible_boms(uow, viewer)
    if visible is None:
        component = resolve_component(uow, reference)
    else:
        # One answer for "nothing has this id" and "you may not know of it", in the same
        # words, so the difference cannot be read off the detail.
        hidden = NotFoundError(f"no component {reference!r}")
        try:
            component = resolve_component(uow, reference)
        except NotFoundError:
            raise hidden from None
        mine = organisation_id(uow, viewer) if viewer is not None else None
        owner = uow.ownership.owner(component.id)
        seen = any(bom.id in visible for bom in uow.boms.of_subject(component.id))
        if not seen and (owner is None or owner != mine):
            raise hidden
    if uow.ownership.owner(component.id) is None:
        raise NotFoundError(f"{component.display_name} has no owner: no BOM describes it")
    return component.id, component.display_name


def ownership(runtime: Runtime, reference: str, viewer: Viewer | None = None) -> Ownership:
    """The subject's owner, delegates and history (delegates and history for the owner and
    administrators only: who else may publish is the owner's business)."""
    with runtime.reading() as uow:
        return _ownership(uow, reference, viewer)


def _ownership(uow: UnitOfWork, reference: str, viewer: Viewer | None) -> Ownership:
    subject_id, name = _subject(uow, reference, viewer)
    owner = uow.ownership.owner(subject_id)
    mine = organisation_id(uow, viewer) if viewer is not None else None
    privileged = viewer is None or viewer.sees_everything or owner == mine
    events = uow.ownership.events(subject_id) if privileged else []
    delegates = uow.ownership.delegates(subject_id) if privileged else []
    # Only the organisations this answer names, however many the server holds.
    named = {owner, *delegates}
    named.update(
        o for event in events for o in (event.organisation_id, event.previous_organisation_id)
    )
    codes = uow.access.organisation_codes(o for o in named if o is not None)
    return Ownership(
        component_id=subject_id,
        component=name,
        owner=codes.get(owner) if owner is not None else None,
        delegates=tuple(codes[o] for o in delegates),
        events=tuple(
            copied(
                OwnershipEvent,
                event,
                kind=event.kind.value,
                organisation=codes.get(event.organisation_id, ""),
                previous_organisation=(
                    codes.get(event.previous_organisation_id)
                    if event.previous_organisation_id is not None
                    else None
                ),
            )
            for event in events
        ),
    )


def _organisation(uow: UnitOfWork, code: str) -> int:
    found = uow.access.organisation(code)
    if found is None:
        raise NotFoundError(f"no organisation {code!r}")
    return found.id


def _as_owner(uow: UnitOfWork, subject_id: int, viewer: Viewer | None, action: str) -> None:
    if viewer is None or viewer.sees_everything:
        return
    if uow.ownership.owner(subject_id) != organisation_id(uow, viewer):
        raise PermissionDeniedError(f"only the subject's owner may {action}")


def delegate(
    runtime: Runtime,
    reference: str,
    to: str,
    *,
    viewer: Viewer | None,
    actor: str,
    revoke: bool = False,
) -> Ownership:
    """Let another organisation publish BOMs for the owner's subject (or stop letting it)."""
    with runtime.writing() as uow:
        subject_id, _ = _subject(uow, reference, viewer)
        _as_owner(uow, subject_id, viewer, "delegate publishing")
        target = _organisation(uow, to)
        owner = uow.ownership.owner(subject_id)
        if target == owner:
            raise ConflictError(f"{to!r} owns the subject already")
        changed = (
            _remove_delegate(uow, subject_id, target, actor)
            if revoke
            else uow.ownership.add_delegate(subject_id, target, _now())
        )
        if changed:
            kind = OwnershipEventKind.UNDELEGATED if revoke else OwnershipEventKind.DELEGATED
            uow.ownership.record(
                OwnershipChange(subject_id, kind, target, None, reason="", actor=actor, at=_now())
            )
        uow.commit()
        return _ownership(uow, str(subject_id), viewer)


def _remove_delegate(uow: UnitOfWork, subject_id: int, organisation_id: int, actor: str) -> bool:
    """Remove a delegation, its removal kept in the audit chain."""
    delegations = uow.chain.delegation_ids(subject_id, organisation_id)
    removed = uow.ownership.remove_delegate(subject_id, organisation_id)
    for delegation in delegations if removed else []:
        uow.chain.changed("delegation", delegation, "removed", actor)
    return removed


def transfer(runtime: Runtime, reference: str, to: str, *, reason: str, actor: str) -> Ownership:
    """Move ownership to another organisation: an administrator's act, always audited."""
    with runtime.writing() as uow:
        if not reason.strip():
            raise ConflictError("a transfer of ownership states its reason")
        subject_id, _ = _subject(uow, reference, None)
        target = _organisation(uow, to)
        previous = uow.ownership.owner(subject_id)
        if previous == target:
            raise ConflictError(f"{to!r} owns the subject already")
        now = _now()
        uow.ownership.transfer(subject_id, target, now)
        uow.chain.changed("subject_owner", subject_id, "transferred", actor)
        _remove_delegate(uow, subject_id, target, actor)
        uow.ownership.record(
            OwnershipChange(
                subject_id,
                OwnershipEventKind.TRANSFERRED,
                target,
                previous,
                reason=reason.strip(),
                actor=actor,
                at=now,
            )
        )
        # Classification records speak for a subject's owner: a new owner may judge its
        # components otherwise.
        note_change(uow, Cause(CauseKind.OWNERSHIP_CHANGED, str(subject_id)), [subject_id], at=now)
        uow.commit()
        return _ownership(uow, str(subject_id), None)


def retire_bom(
    runtime: Runtime, bom_id: int, *, reason: str, viewer: Viewer | None, actor: str
) -> int:
    """Stop a BOM being current (it stays stored, as history). Only an organisation that
    may publish for its subject, or an administrator, retires it."""
    with runtime.writing() as uow:
        bom = visible_bom(uow, bom_id, viewer)
        if viewer is not None and not viewer.sees_everything:
            mine = organisation_id(uow, viewer)
            allowed = {
                uow.ownership.owner(bom.subject_id),
                *uow.ownership.delegates(bom.subject_id),
            }
            if mine is None or mine not in allowed:
                raise PermissionDeniedError(f"BOM {bom_id} is not yours to retire")
        if not reason.strip():
            raise ConflictError("retiring a BOM states its reason")
        retired = BomEnding(bom_id, "retired", None, reason.strip(), actor, _now())
        if uow.boms.ending(bom_id) is not None or not uow.boms.end(retired):
            raise ConflictError(f"BOM {bom_id} is no longer current already")
        seeds = bom_seeds(uow, bom.subject_id, bom.serial_number)
        note_change(uow, Cause(CauseKind.BOM_RETIRED, bom_id=bom_id), seeds, at=retired.at)
        uow.graph.record_changes("ended", [bom_id], retired.at)
        uow.commit()
    return bom_id

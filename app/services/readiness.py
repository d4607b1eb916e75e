"""Review readiness of an AI component (docs/readiness.md): what the model cards of the BOMs
a caller may see offer a reviewer, dimension by dimension, and which BOM each fact came from.
Advice only: nothing here is read by a decision."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.bom.component_fields import artifacts_of
from app.bom.translate import HUMAN_OVERSIGHT_PROPERTY
from app.domain.access import Viewer
from app.domain.ai import suspected_hint
from app.domain.bom import AiReason
from app.domain.ids import IdentityKey
from app.domain.readiness import (
    CHECKLIST,
    Card,
    ChecklistItem,
    Completeness,
    Dimension,
    Found,
    assess,
    completeness,
    dataset_refs,
    datasets_of,
)
from app.domain.stored import ComponentRecord
from app.services.classification import classifications_of
from app.services.components import component_status, resolve_component
from app.services.registry import status_on
from app.services.registry_cache import RegistrySnapshot
from app.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from app.services.runtime import Runtime


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact found, and the BOM that gives it."""

    bom_id: int
    pointer: str
    value: str


@dataclass(frozen=True, slots=True)
class Lack:
    """A BOM that does not give an item, and why."""

    bom_id: int
    why: str


@dataclass(frozen=True, slots=True)
class ItemReadiness:
    """One checklist item over every mention read: present when any of them gives it; the
    BOMs that do not are named, so mentions that disagree are both shown."""

    entry: ChecklistItem
    found: tuple[Evidence, ...]
    lacking: tuple[Lack, ...]
    mentions: int

    @property
    def present(self) -> bool:
        return len(self.lacking) < self.mentions


@dataclass(frozen=True, slots=True)
class ReviewReadiness:
    component: ComponentRecord
    # Whether readiness applies: only AI components are reviewed.
    is_ai: bool
    # Why it counts as AI, or why it does not.
    ai_basis: str
    # Certificates for its identity that are active on the day (None when none).
    active_certificates: tuple[str, ...]
    day: dt.date
    # The BOMs whose mentions were read.
    bom_ids: tuple[int, ...]
    items: tuple[ItemReadiness, ...]
    completeness: dict[Dimension, Completeness]

    def document(self) -> dict[str, Any]:
        """The answer as plain data: the API's response and the command's --json alike."""
        return {
            "component_id": self.component.id,
            "component": self.component.identity_key,
            "date": self.day.isoformat(),
            "applies": self.is_ai,
            "ai_basis": self.ai_basis,
            "active_certificates": list(self.active_certificates),
            "bom_ids": list(self.bom_ids),
            "dimensions": [
                {
                    "dimension": dimension.value,
                    "present": figure.present,
                    "expected": figure.expected,
                    "fraction": figure.fraction,
                    "percent": figure.percent,
                    "present_items": [i.entry.item.value for i in self.of(dimension) if i.present],
                    "missing_items": [
                        i.entry.item.value for i in self.of(dimension) if not i.present
                    ],
                }
                for dimension, figure in self.completeness.items()
            ],
            "items": [
                {
                    "item": i.entry.item.value,
                    "dimension": i.entry.dimension.value,
                    "meaning": i.entry.meaning,
                    "where": i.entry.where,
                    "present": i.present,
                    "found": [dataclasses.asdict(found) for found in i.found],
                    "missing_in": [dataclasses.asdict(lack) for lack in i.lacking],
                }
                for i in self.items
            ],
        }

    def of(self, dimension: Dimension) -> list[ItemReadiness]:
        return [i for i in self.items if i.entry.dimension is dimension]


def readiness(
    runtime: Runtime, component_id: int, *, day: dt.date, viewer: Viewer | None = None
) -> ReviewReadiness:
    """Review readiness of a component the viewer may know of (404 otherwise, exactly like
    GET /components/{id})."""
    with runtime.reading() as uow:
        return _readiness(uow, runtime, component_id, day, viewer)


def readiness_of(runtime: Runtime, reference: str, *, day: dt.date) -> ReviewReadiness:
    """`readiness` of the component a reference names, for the operator."""
    with runtime.reading() as uow:
        component = resolve_component(uow, reference)
        return _readiness(uow, runtime, component.id, day, None)


def _readiness(
    uow: UnitOfWork, runtime: Runtime, component_id: int, day: dt.date, viewer: Viewer | None
) -> ReviewReadiness:
    status = component_status(uow, runtime.cache, component_id, viewer)
    # Only mentions the viewer may see; current ones when there are any.
    shown = [a for a in status.appearances if a.is_current] or list(status.appearances)
    shown_boms = {a.occurrence.bom_id for a in shown}
    written = [
        (bom_id, raw)
        for bom_id, raw in uow.components.mentions_as_written(component_id)
        if bom_id in shown_boms
    ]
    snapshot = runtime.registry.current(uow)
    types = {a.occurrence.bom_id: a.occurrence.type for a in shown}
    is_ai, basis = _judged(
        uow,
        reasons=status.ai_reasons,
        written=[(types[b], raw) for b, raw in written],
        component_id=component_id,
        day=day,
        viewer=viewer,
        snapshot=snapshot,
    )
    key = IdentityKey(status.component.identity_key)
    held = snapshot.for_keys([key], day).certificates.get(key, ())
    active = tuple(sorted(c.number for c in held if status_on(c, day) == "active"))
    items = _merged([(b, _card(uow, b, raw)) for b, raw in written]) if is_ai else ()
    return ReviewReadiness(
        component=status.component,
        is_ai=is_ai,
        ai_basis=basis,
        active_certificates=active,
        day=day,
        bom_ids=tuple(dict.fromkeys(bom_id for bom_id, _ in written)),
        items=items,
        completeness=completeness({i.entry.item for i in items if i.present}) if is_ai else {},
    )


def _judged(
    uow: UnitOfWork,
    *,
    reasons: tuple[AiReason, ...],
    written: list[tuple[str, dict[str, Any]]],
    component_id: int,
    day: dt.date,
    viewer: Viewer | None,
    snapshot: RegistrySnapshot,
) -> tuple[bool, str]:
    """AI status as the decision judges it: explicit signals of the BOMs read, then the
    classification records the viewer may see, then the ruleset's suspected-AI hints."""
    if reasons:
        return True, "; ".join(reason.sentence for reason in reasons)
    records = [c for c in classifications_of(uow, component_id, viewer) if c.in_force_on(day)]
    if records:
        latest = records[-1]
        verb = "is" if latest.is_ai else "is not"
        return latest.is_ai, f"a classification record says it {verb} AI: {latest.reason}"
    component = uow.components.get(component_id)
    ruleset = snapshot.ruleset_on(day)
    for type_, raw in written:
        hint = suspected_hint(
            type_=type_,
            name=component.name if component else "",
            purl=component.purl if component else None,
            artifacts=artifacts_of(raw, service=type_ == "service"),
            nested_in_ai=False,
            hints=ruleset.ai_hints,
        )
        if hint is not None and ruleset.suspected_ai_is_ai:
            return True, f"suspected AI component: {hint}"
    return False, "not an AI component: readiness for ethical review applies to AI components"


def _card(uow: UnitOfWork, bom_id: int, raw: dict[str, Any]) -> Card:
    refs = dataset_refs(raw)
    data = uow.components.written_by_refs(bom_id, refs)
    return Card(raw, datasets_of(raw, data), _oversight(raw))


def _oversight(raw: dict[str, Any]) -> Found | None:
    """The human-oversight property of the BOM conventions, on this component."""
    for index, entry in enumerate(raw.get("properties") or ()):
        if (
            isinstance(entry, dict)
            and entry.get("name") == HUMAN_OVERSIGHT_PROPERTY
            and str(entry.get("value", "")).strip().lower() == "true"
        ):
            return Found(f"/properties/{index}", f"{HUMAN_OVERSIGHT_PROPERTY}=true")
    return None


def _merged(cards: list[tuple[int, Card]]) -> tuple[ItemReadiness, ...]:
    findings = [(bom_id, assess(card)) for bom_id, card in cards]
    merged = []
    for entry in CHECKLIST:
        found = tuple(
            Evidence(bom_id, f.pointer, f.value)
            for bom_id, by_item in findings
            for f in by_item[entry.item].found
        )
        lacking = tuple(
            Lack(bom_id, by_item[entry.item].missing or "")
            for bom_id, by_item in findings
            if not by_item[entry.item].present
        )
        merged.append(ItemReadiness(entry, found, lacking, len(findings)))
    return tuple(merged)

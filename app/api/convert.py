"""Service results to response schemas: the one place the two vocabularies meet."""

from __future__ import annotations

import datetime as dt

from app.api.schemas import (
    AccreditationRead,
    AppearanceRead,
    BomRead,
    CertificateRead,
    ClassificationRead,
    ComponentRead,
    ComponentStatusRead,
    DestinationStatusRead,
    IdentityRead,
    PathStepRead,
    ProductRead,
    ProductUseRead,
    ReviewerRead,
    WarningRead,
)
from app.domain.classification import Classification
from app.domain.registry import Certificate, Reviewer
from app.domain.stored import ComponentRecord
from app.services.boms import BomView
from app.services.components import Appearance, ComponentStatus, ProductUse
from app.services.paths import PathStep
from app.services.registry import certificate_document
from app.services.standings import ProductStanding


def bom_read(view: BomView) -> BomRead:
    return BomRead.model_validate(
        {
            **{name: getattr(view, name) for name in BomView.__dataclass_fields__},
            "warnings": [WarningRead(**warning) for warning in view.warnings],
        }
    )


def classification_read(classification: Classification, day: dt.date) -> ClassificationRead:
    return ClassificationRead(
        id=classification.id,
        component_id=classification.component_id,
        is_ai=classification.is_ai,
        reason=classification.reason,
        expires=classification.expires,
        decided_at=classification.decided_at,
        actor=classification.actor,
        organisation=classification.organisation,
        scope=classification.scope.value,
        in_force=classification.in_force_on(day),
    )


def component_read(view: ComponentRecord) -> ComponentRead:
    return ComponentRead(
        id=view.id,
        identity=IdentityRead(kind=view.identity_kind, key=view.identity_key),
        name=view.name,
        version=view.version,
        group=view.group,
        purl=view.purl,
    )


def component_status_read(status: ComponentStatus) -> ComponentStatusRead:
    base = component_read(status.component)
    return ComponentStatusRead(
        **base.model_dump(),
        types=list(status.types),
        is_ai=status.is_ai,
        ai_reason_codes=[reason.value for reason in status.ai_reasons],
        ai_reasons=[reason.sentence for reason in status.ai_reasons],
        is_product=status.is_product,
        appearances=[appearance_read(a) for a in status.appearances],
    )


def appearance_read(appearance: Appearance) -> AppearanceRead:
    occurrence = appearance.occurrence
    return AppearanceRead(
        bom_id=occurrence.bom_id,
        bom_subject=appearance.bom_subject,
        current=appearance.is_current,
        bom_ref=occurrence.bom_ref,
        role=occurrence.role,
        type=occurrence.type,
        is_ai=occurrence.is_ai,
        ai_reason_codes=[reason.value for reason in occurrence.ai_reasons],
        ai_reasons=[reason.sentence for reason in occurrence.ai_reasons],
        claimed_certificates=list(occurrence.claimed_certificates),
    )


def product_use_read(use: ProductUse) -> ProductUseRead:
    return ProductUseRead(
        product_id=use.product_id,
        product=use.product,
        current_bom_ids=list(use.current_bom_ids),
        path=path_read(use.path),
    )


def path_read(path: tuple[PathStep, ...]) -> list[PathStepRead]:
    return [
        PathStepRead(
            parent=step.parent,
            child=step.child,
            kind=step.kind,
            bom_ids=list(step.bom_ids),
            boms=list(step.boms),
        )
        for step in path
    ]


def product_read(standing: ProductStanding) -> ProductRead:
    summary = standing.summary
    product = summary.product
    return ProductRead(
        id=product.id,
        identity=IdentityRead(kind=product.identity_kind, key=product.identity_key),
        name=product.name,
        version=product.version,
        current_bom_ids=list(summary.current_bom_ids),
        sector=summary.sector,
        components=summary.closure_size,
        ai_components=summary.ai_components,
        statuses=[
            DestinationStatusRead(
                group=status.group,
                decision=status.decision.value,
                destinations=list(status.destinations),
                ineligible=list(status.ineligible),
                reasons=[reason.value for reason in status.reasons],
            )
            for status in standing.statuses
        ],
    )


def certificate_read(certificate: Certificate, day: dt.date) -> CertificateRead:
    evidence = certificate.evidence
    return CertificateRead.model_validate(
        {
            **certificate_document(certificate, day),
            "evidence_url": evidence.url if evidence else None,
            "evidence_sha256": evidence.sha256 if evidence else None,
        }
    )


def reviewer_read(reviewer: Reviewer) -> ReviewerRead:
    return ReviewerRead(
        id=reviewer.id,
        name=reviewer.name,
        public_key=reviewer.public_key,
        accreditations=[
            AccreditationRead(start=p.start, end=p.end) for p in reviewer.accreditations
        ],
    )

"""Service results to response schemas: the one place the two vocabularies meet."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from pydantic import BaseModel

from app.api.schemas.boms import BomRead, WarningRead
from app.api.schemas.components import (
    AppearanceRead,
    ClassificationRead,
    ComponentRead,
    ComponentStatusRead,
    DestinationStatusRead,
    IdentityRead,
    PathStepRead,
    ProductRead,
    ProductUseRead,
)
from app.api.schemas.registry import AccreditationRead, CertificateRead, ReviewerRead
from app.domain.classification import Classification
from app.domain.copying import fields_of
from app.domain.registry import Certificate, Reviewer
from app.domain.stored import ComponentRecord
from app.services.boms import BomView
from app.services.components import Appearance, ComponentStatus, ProductUse
from app.services.paths import PathStep
from app.services.registry import certificate_document
from app.services.standings import ProductStanding

Schema = TypeVar("Schema", bound=BaseModel)


def _read(schema: type[Schema], result: object, **given: Any) -> Schema:
    """A response from the same-named fields of a service result, and `given` where the
    two differ (a renamed field, one the result does not carry, another type)."""
    return schema.model_validate({**fields_of(result), **given})


def bom_read(view: BomView) -> BomRead:
    return _read(BomRead, view, warnings=[WarningRead(**warning) for warning in view.warnings])


def classification_read(classification: Classification, day: dt.date) -> ClassificationRead:
    return _read(
        ClassificationRead,
        classification,
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
    return _read(
        AppearanceRead,
        occurrence,
        bom_subject=appearance.bom_subject,
        current=appearance.is_current,
        ai_reason_codes=[reason.value for reason in occurrence.ai_reasons],
        ai_reasons=[reason.sentence for reason in occurrence.ai_reasons],
    )


def product_use_read(use: ProductUse) -> ProductUseRead:
    return _read(ProductUseRead, use, path=path_read(use.path))


def path_read(path: tuple[PathStep, ...]) -> list[PathStepRead]:
    return [_read(PathStepRead, step) for step in path]


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

"""The warnings of a check: what is worth saying about a product whatever the decision."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.product_slice import ASSEMBLY_TYPES, Member, ProductSlice, Question, Registry
from app.domain.reasons import WarningCode
from app.domain.registry import Certificate
from app.domain.verification import verify


@dataclass(frozen=True, slots=True)
class DecisionWarning:
    code: WarningCode
    message: str
    component: str | None = None
    # The component it is about, so that an answer can be cut to what a caller may see.
    component_id: int | None = None


def _claim_warnings(
    member: Member, registry: Registry, question: Question, *, upstream: bool
) -> list[DecisionWarning]:
    known = {certificate.number: certificate for certificate in registry.certificates_of(member)}
    found = []
    for number in member.claimed_certificates:
        certificate = known.get(number)
        if certificate is None:
            message = f"the BOM claims {number}; the registry holds no such certificate for it"
        elif not verify(
            [certificate],
            registry,
            question,
            accept_under_review=upstream and registry.ruleset.accept_under_review_upstream,
        ).verified:
            message = f"the BOM claims {number}, which is not valid for this destination and date"
        else:
            continue
        found.append(
            DecisionWarning(
                WarningCode.CLAIMED_CERTIFICATE_UNVERIFIED,
                message,
                member.name,
                member.component_id,
            )
        )
    return found


def changed_since_certificate(
    product: ProductSlice, certificate: Certificate, baseline: frozenset[int] | None
) -> DecisionWarning | None:
    """The AI components in the product that no BOM of it (or of an assembly inside it)
    named when its product certificate was issued; `baseline` is every component those BOMs
    named then, None when none of the product's BOMs existed yet (nothing to compare)."""
    if baseline is None:
        return None
    newer = [m.name for m in product.members if m.is_ai and m.component_id not in baseline]
    if not newer:
        return None
    return DecisionWarning(
        WarningCode.PRODUCT_CHANGED_SINCE_CERTIFICATE,
        f"{', '.join(newer)} came into the product after {certificate.number} was issued on "
        f"{certificate.issued}: the product certificate may not cover them",
        product.product.name,
        product.product.component_id,
    )


def warnings_of(
    product: ProductSlice, registry: Registry, question: Question
) -> list[DecisionWarning]:
    """Every warning about the product for the question, in the order of its members."""
    found: list[DecisionWarning] = []
    if len(product.current_boms) > 1:
        # The BOMs are not named here: some may be another organisation's private ones (a
        # delegate's), and the answer's `boms` lists those the caller may see.
        disagree = (
            "; they name different sectors, so the check asks as for an unnamed sector "
            "unless a sector is asked"
            if len(product.sectors) > 1
            else ""
        )
        found.append(
            DecisionWarning(
                WarningCode.SEVERAL_CURRENT_BOMS,
                f"several current BOMs describe the product: its contents are all of them "
                f"together{disagree}",
                product.product.name,
                product.product.component_id,
            )
        )
    for component_id, name, urn in product.missing_links:
        found.append(
            DecisionWarning(
                WarningCode.LINKED_BOM_MISSING,
                f"{name} is described by {urn}, a BOM exportgate does not hold: what it "
                "holds is unknown",
                name,
                component_id,
            )
        )
    if product.incomplete_aggregates:
        found.append(
            DecisionWarning(
                WarningCode.INVENTORY_INCOMPLETE,
                f"the BOM declares its inventory {', '.join(product.incomplete_aggregates)}: "
                "components may be missing from this answer",
                product.product.name,
                product.product.component_id,
            )
        )
    for member in (product.product, *product.members):
        if member.suspected is not None and not member.is_ai:
            found.append(
                DecisionWarning(
                    WarningCode.SUSPECTED_AI_COMPONENT,
                    f"{member.name} may be an AI component: {member.suspected} (the ruleset "
                    "does not count suspected AI components; record a classification)",
                    member.name,
                    member.component_id,
                )
            )
        found.extend(
            _claim_warnings(member, registry, question, upstream=member is not product.product)
        )
        if (
            member is not product.product
            and member.type in ASSEMBLY_TYPES
            and not member.contents_known
        ):
            found.append(
                DecisionWarning(
                    WarningCode.ASSEMBLY_WITHOUT_BOM,
                    f"{member.type} {member.name} has no BOM of its own and lists no parts; "
                    "what it holds is unknown",
                    member.name,
                    member.component_id,
                )
            )
    # Asked for one sector, that one; else every sector the product's BOMs name.
    sectors = (question.sector,) if question.sector else product.sectors
    sensitive = [s for s in sectors if s in registry.ruleset.sensitive_domains]
    if sensitive and not product.human_oversight:
        sector = sensitive[0]
        found.append(
            DecisionWarning(
                WarningCode.SENSITIVE_DOMAIN_WITHOUT_OVERSIGHT,
                f"{sector} is a sensitive domain and the BOM shows no human oversight "
                "(property exportgate:human-oversight=true)",
                product.product.name,
                product.product.component_id,
            )
        )
    return found

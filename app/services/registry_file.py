"""The registry import file (PRODUCT.md section 8) and ruleset documents: parsed strictly,
every error located by entry, then turned into domain objects."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from app.bom.identity import InvalidPurlError, identity_from_reference
from app.domain import limits
from app.domain.ai import DEFAULT_AI_HINTS, AiHints
from app.domain.errors import Located, RegistryRejectedError
from app.domain.ids import IdentityKey
from app.domain.registry import (
    Certificate,
    CertificateStatus,
    Dimension,
    Evidence,
    Period,
    Reviewer,
    Ruleset,
    StatusEvent,
)
from app.signing.canonical import NotCanonicalisableError, canonical_bytes
from app.signing.ed25519 import BadKeyError, public_key_from_text

CountryCode = Annotated[str, Field(min_length=1, max_length=32)]
Sector = Annotated[str, Field(max_length=limits.SECTOR)]
# Checked against the reviewer's key when recorded (app.services.reviewer_signatures).
Signature = Annotated[str, Field(min_length=1, max_length=128)]


def _jwk_object_as_text(value: Any) -> Any:
    # A JWK may be given as an object; it is kept as its canonical JSON text.
    if isinstance(value, dict):
        try:
            return canonical_bytes(value).decode()
        except NotCanonicalisableError as error:
            raise ValueError(f"a JWK that cannot be written as JSON: {error}") from None
    return value


def _an_ed25519_public_key(value: str) -> str:
    try:
        public_key_from_text(value)
    except BadKeyError as error:
        raise ValueError(f"not an Ed25519 public key (a JWK or a PEM): {error}") from None
    return value


PublicKeyText = Annotated[
    str,
    BeforeValidator(_jwk_object_as_text),
    Field(max_length=limits.PUBLIC_KEY),
    AfterValidator(_an_ed25519_public_key),
    # What a caller may send, which the plain string schema would not say.
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "maxLength": limits.PUBLIC_KEY},
                {"type": "object", "additionalProperties": True},
            ],
            "description": "An Ed25519 public key: a PEM, or an RFC 8037 JWK as an object "
            "or as its JSON text",
        },
        mode="validation",
    ),
]


def _refuse_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("text may not contain NUL characters")
    if isinstance(value, dict):
        for item in value.values():
            _refuse_nul(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_nul(item)
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        # No database stores a NUL in text; refuse it here with the entry named.
        return _refuse_nul(data)


class AccreditationEntry(_Strict):
    start: dt.date = Field(alias="from")
    end: dt.date | None = Field(default=None, alias="to")


class ReviewerUpdate(_Strict):
    """A reviewer body as the operator records it, named by where it is sent."""

    name: Annotated[str, Field(min_length=1, max_length=limits.REVIEWER_NAME)]
    public_key: PublicKeyText | None = None
    accreditations: Annotated[list[AccreditationEntry], Field(max_length=limits.LIST_ITEMS)] = []


class ReviewerEntry(ReviewerUpdate):
    id: Annotated[str, Field(min_length=1, max_length=128)]

    def to_domain(self) -> Reviewer:
        return Reviewer(
            id=self.id,
            name=self.name,
            public_key=self.public_key,
            accreditations=tuple(Period(a.start, a.end) for a in self.accreditations),
        )


class EvidenceEntry(_Strict):
    url: Annotated[str, Field(min_length=1, max_length=limits.URL)]
    sha256: Annotated[str, Field(pattern="^[0-9a-fA-F]{64}$")] | None = None


class EventEntry(_Strict):
    """A status event as sent. Who records it is never part of it: the actor is the key (or
    the command) that sends it, so a field naming one is refused (extra fields are)."""

    status: CertificateStatus
    date: dt.date
    reason: Annotated[str, Field(max_length=limits.REASON)] = ""
    signature: Signature | None = None

    def to_domain(self, actor: str) -> StatusEvent:
        return StatusEvent(self.date, self.status, self.reason, actor, self.signature)


class CertificateEntry(_Strict):
    number: Annotated[str, Field(min_length=1, max_length=limits.CERTIFICATE_NUMBER)]
    subject: Annotated[str, Field(min_length=1, max_length=limits.SUBJECT)]
    reviewer: Annotated[str, Field(min_length=1, max_length=limits.REVIEWER_ID)]
    dimensions: Annotated[list[Dimension], Field(max_length=len(Dimension))]
    issued: dt.date
    expires: dt.date
    destinations: Annotated[list[CountryCode], Field(max_length=limits.LIST_ITEMS)] = ["*"]
    sectors: Annotated[list[Sector], Field(max_length=limits.LIST_ITEMS)] = ["*"]
    evidence: EvidenceEntry | None = None
    events: Annotated[list[EventEntry], Field(max_length=limits.LIST_ITEMS)] = []
    signature: Signature | None = None

    @field_validator("expires")
    @classmethod
    def _not_before_issued(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        issued = info.data.get("issued")
        if isinstance(issued, dt.date) and value < issued:
            raise ValueError(f"expires ({value}) is before issued ({issued})")
        return value

    @field_validator("subject")
    @classmethod
    def _subject_is_an_identity(cls, value: str) -> str:
        try:
            return identity_from_reference(value).key
        except (InvalidPurlError, ValueError) as error:
            raise ValueError(str(error)) from None

    @field_validator("destinations")
    @classmethod
    def _upper(cls, value: list[str]) -> list[str]:
        return [code if code == "*" else code.upper() for code in value]

    def to_domain(self, actor: str) -> Certificate:
        if self.expires < self.issued:
            raise ValueError("expires is before issued")
        return Certificate(
            number=self.number,
            subject=IdentityKey(self.subject),
            reviewer_id=self.reviewer,
            dimensions=frozenset(self.dimensions),
            issued=self.issued,
            expires=self.expires,
            destinations=frozenset(self.destinations),
            sectors=frozenset(self.sectors),
            evidence=Evidence(self.evidence.url, self.evidence.sha256) if self.evidence else None,
            events=tuple(sorted(e.to_domain(actor) for e in self.events)),
            signature=self.signature,
        )


class AiHintsEntry(_Strict):
    """The suspected-AI hints; each list given replaces the built-in one."""

    purl_types: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = None
    weight_extensions: list[Annotated[str, Field(pattern=r"^\.[A-Za-z0-9._-]{1,32}$")]] | None = (
        None
    )
    service_endpoints: list[Annotated[str, Field(min_length=3, max_length=256)]] | None = None
    service_words: list[Annotated[str, Field(pattern=r"^[a-z0-9]{2,64}$")]] | None = None

    def to_domain(self) -> AiHints:
        base = DEFAULT_AI_HINTS
        return AiHints(
            purl_types=(
                frozenset(t.lower() for t in self.purl_types)
                if self.purl_types is not None
                else base.purl_types
            ),
            weight_extensions=(
                tuple(sorted({e.lower() for e in self.weight_extensions}))
                if self.weight_extensions is not None
                else base.weight_extensions
            ),
            service_endpoints=(
                tuple(sorted({e.lower() for e in self.service_endpoints}))
                if self.service_endpoints is not None
                else base.service_endpoints
            ),
            service_words=(
                frozenset(self.service_words)
                if self.service_words is not None
                else base.service_words
            ),
        )


class RulesetEntry(_Strict):
    version: Annotated[str, Field(min_length=1, max_length=limits.RULESET_VERSION)]
    domestic_country: CountryCode = "CN"
    pilot_start: dt.date = dt.date(2026, 4, 24)
    pilot_end: dt.date = dt.date(2026, 6, 30)
    pilot_countries: Annotated[list[CountryCode], Field(max_length=limits.LIST_ITEMS)] = []
    in_force: dt.date = dt.date(2026, 7, 1)
    required_dimensions: list[Dimension] = list(Dimension)
    sectors: Annotated[list[Sector], Field(max_length=limits.LIST_ITEMS)] | None = None
    sensitive_domains: Annotated[list[Sector], Field(max_length=limits.LIST_ITEMS)] | None = None
    country_groups: Annotated[
        dict[
            Annotated[str, Field(max_length=32)],
            Annotated[list[CountryCode], Field(max_length=limits.LIST_ITEMS)],
        ],
        Field(max_length=limits.LIST_ITEMS),
    ] = {}
    require_product_certificate: bool = True
    accept_under_review_upstream: bool = False
    block_on_incomplete_inventory: bool = False
    expiry_warning_days: Annotated[int, Field(ge=0, le=3650)] = 90
    suspected_ai_is_ai: bool = True
    ai_hints: AiHintsEntry | None = None
    # Absent in versions published before versions had dates: in force from the start.
    effective_from: dt.date | None = None

    def to_domain(self) -> Ruleset:
        defaults = Ruleset(version=self.version)
        return Ruleset(
            version=self.version,
            domestic_country=self.domestic_country.upper(),
            pilot_start=self.pilot_start,
            pilot_end=self.pilot_end,
            pilot_countries=frozenset(c.upper() for c in self.pilot_countries),
            in_force=self.in_force,
            required_dimensions=frozenset(self.required_dimensions),
            sectors=frozenset(self.sectors) if self.sectors is not None else defaults.sectors,
            sensitive_domains=(
                frozenset(self.sensitive_domains)
                if self.sensitive_domains is not None
                else defaults.sensitive_domains
            ),
            country_groups={
                name.strip().upper(): frozenset(c.strip().upper() for c in codes)
                for name, codes in self.country_groups.items()
            },
            require_product_certificate=self.require_product_certificate,
            accept_under_review_upstream=self.accept_under_review_upstream,
            block_on_incomplete_inventory=self.block_on_incomplete_inventory,
            expiry_warning_days=self.expiry_warning_days,
            suspected_ai_is_ai=self.suspected_ai_is_ai,
            ai_hints=self.ai_hints.to_domain() if self.ai_hints is not None else DEFAULT_AI_HINTS,
            effective_from=self.effective_from,
        )


class RegistryFile(_Strict):
    reviewers: list[ReviewerEntry] = []
    certificates: list[CertificateEntry] = []
    ruleset: RulesetEntry | None = None


def located(error: ValidationError) -> list[Located]:
    return [
        Located("/" + "/".join(str(part) for part in entry["loc"]), entry["msg"])
        for entry in error.errors()
    ]


def parse_registry_file(document: Any) -> RegistryFile:
    try:
        return RegistryFile.model_validate(document)
    except ValidationError as error:
        raise RegistryRejectedError("the registry file is not valid", located(error)) from None


def parse_ruleset(document: Any) -> Ruleset:
    try:
        return RulesetEntry.model_validate(document).to_domain()
    except ValidationError as error:
        raise RegistryRejectedError("the ruleset is not valid", located(error)) from None


def ruleset_document(ruleset: Ruleset) -> dict[str, Any]:
    """The stored, canonical JSON form of a ruleset (sorted, so hashes are stable). A version
    without an effective date has no `effective_from`, so the documents (and the evidence
    digests over them) of versions published before dates existed read as they did."""
    document: dict[str, Any] = {
        "version": ruleset.version,
        "domestic_country": ruleset.domestic_country,
        "pilot_start": ruleset.pilot_start.isoformat(),
        "pilot_end": ruleset.pilot_end.isoformat(),
        "pilot_countries": sorted(ruleset.pilot_countries),
        "in_force": ruleset.in_force.isoformat(),
        "required_dimensions": sorted(ruleset.required_dimensions),
        "sectors": sorted(ruleset.sectors),
        "sensitive_domains": sorted(ruleset.sensitive_domains),
        "country_groups": {k: sorted(v) for k, v in sorted(ruleset.country_groups.items())},
        "require_product_certificate": ruleset.require_product_certificate,
        "accept_under_review_upstream": ruleset.accept_under_review_upstream,
        "block_on_incomplete_inventory": ruleset.block_on_incomplete_inventory,
        "expiry_warning_days": ruleset.expiry_warning_days,
        "suspected_ai_is_ai": ruleset.suspected_ai_is_ai,
        "ai_hints": {
            "purl_types": sorted(ruleset.ai_hints.purl_types),
            "weight_extensions": sorted(ruleset.ai_hints.weight_extensions),
            "service_endpoints": sorted(ruleset.ai_hints.service_endpoints),
            "service_words": sorted(ruleset.ai_hints.service_words),
        },
    }
    if ruleset.effective_from is not None:
        document["effective_from"] = ruleset.effective_from.isoformat()
    return document

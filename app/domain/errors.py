"""One error family for the whole system; adapters translate it, never the reverse."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class Located:
    """A problem at a place in a document: a JSON pointer or an XPath."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location or '/'}: {self.message}"


class ExportgateError(Exception):
    """Base of every error exportgate reports to a user."""

    title: ClassVar[str] = "exportgate error"

    def __init_subclass__(cls, title: str | None = None) -> None:
        # Each kind of error names its title where it is declared; one without keeps its
        # parent's (a WriteConflictError is still a "conflict" to the person reading it).
        super().__init_subclass__()
        if title is not None:
            cls.title = title

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def diagnostics(self) -> str:
        """The full human explanation, as the CLI prints it."""
        return f"{self.title}: {self.detail}"


class InputRejectedError(ExportgateError, title="input refused"):
    """Something a caller sent cannot be accepted as it is; each problem is located in it,
    and nothing of it was kept."""

    def __init__(self, detail: str, errors: list[Located] | None = None) -> None:
        super().__init__(detail)
        self.errors: list[Located] = errors or []

    def diagnostics(self) -> str:
        lines = [super().diagnostics()]
        lines.extend(f"  {error}" for error in self.errors)
        return "\n".join(lines)


class BomRejectedError(InputRejectedError, title="BOM refused"):
    """The document is not a CycloneDX BOM exportgate can accept; nothing was stored."""


class RegistryRejectedError(InputRejectedError, title="registry entry refused"):
    """A registry file, certificate or ruleset is not acceptable; nothing was recorded."""


class QuestionRejectedError(InputRejectedError, title="question refused"):
    """A question names something the ruleset does not know (a destination group)."""


class ClassificationRejectedError(InputRejectedError, title="classification refused"):
    """A classification record cannot be kept as asked (no reason, an expiry in the past)."""


class InvalidRequestError(InputRejectedError, title="invalid request"):
    """A request parameter that cannot be read (a cursor, an id, a date), located."""


class ConflictError(ExportgateError, title="conflict"):
    """The request contradicts what is recorded (history is never rewritten)."""


class WriteConflictError(ConflictError):
    """A concurrent request recorded first what this one would have recorded differently
    (the same key, other content); nothing of this one was kept."""


class DatabaseBusyError(ExportgateError, title="database busy"):
    """Another writer held the database for longer than this one may wait for it; nothing
    was written, and the same request may simply be sent again after a pause."""

    def __init__(self, detail: str, *, retry_after_seconds: int) -> None:
        super().__init__(detail)
        self.retry_after_seconds = retry_after_seconds


class SubjectOwnedError(ConflictError):
    """Another organisation owns the subject a BOM describes: only the owner (or whom it
    delegated to, or an administrator) may publish for it. Names no one's private data."""


class UnsupportedMediaTypeError(ExportgateError, title="unsupported media type"):
    """The upload declares a media type that is neither CycloneDX JSON nor XML."""


class LimitExceededError(ExportgateError, title="limit exceeded"):
    """A configured size, depth or count limit was exceeded."""

    def __init__(self, detail: str, *, limit_name: str, limit: int) -> None:
        super().__init__(detail)
        self.limit_name = limit_name
        self.limit = limit


class PayloadTooLargeError(LimitExceededError, title="payload too large"):
    """The upload is larger than the configured maximum size."""


class ConfigurationError(ExportgateError, title="configuration error"):
    """An EXPORTGATE_ environment variable holds something exportgate cannot use."""


class RequestTimeoutError(ExportgateError, title="request timeout"):
    """The client took longer than allowed to send its request."""


class AuthenticationError(ExportgateError, title="authentication required"):
    """No key, or a key that is unknown, expired or revoked."""


class PermissionDeniedError(ExportgateError, title="permission denied"):
    """A valid key whose roles do not admit the request."""


class NotFoundError(ExportgateError, title="not found"):
    """The thing asked about is not known; never answered with an empty result."""


class AmbiguousReferenceError(ExportgateError, title="ambiguous reference"):
    """A name@version matches more than one component."""

    def __init__(self, detail: str, candidates: list[str]) -> None:
        super().__init__(detail)
        self.candidates = candidates

    def diagnostics(self) -> str:
        lines = [super().diagnostics(), "  candidates:"]
        lines.extend(f"    {candidate}" for candidate in self.candidates)
        return "\n".join(lines)


class SchemaOutOfDateError(ExportgateError, title="database not migrated"):
    """The database has no exportgate schema, or an older one than this code needs."""

    ADVICE = "run `exportgate db upgrade`"

    def __init__(self, database: str) -> None:
        # The detail names no location: the API answers with it, and where the server keeps
        # its data is none of a caller's business. The command line says where.
        super().__init__(f"the database has no exportgate schema (or an old one): {self.ADVICE}")
        self.database = database

    def diagnostics(self) -> str:
        return (
            f"{self.title}: the database at {self.database} has no exportgate schema "
            f"(or an old one): {self.ADVICE}"
        )

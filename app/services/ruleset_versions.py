"""Published ruleset versions: which were published when, and which is in force on a day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.errors import NotFoundError
from app.domain.paging import RULESETS, WHOLE_LIST, Page, PageRequest, read_limit
from app.domain.registry import Ruleset, ruleset_in_force
from app.services.registry import published_rulesets
from app.services.registry_file import parse_ruleset

if TYPE_CHECKING:
    from app.services.runtime import Runtime


@dataclass(frozen=True, slots=True)
class RulesetVersion:
    version: str
    published_at: dt.datetime
    effective_from: dt.date | None
    in_force: bool


def ruleset_versions(
    runtime: Runtime,
    day: dt.date | None = None,
    *,
    paging: PageRequest = WHOLE_LIST,
) -> Page[RulesetVersion]:
    """Published versions, oldest published first, marking the one in force on the day
    (today by default): a page of `limit` (all without one) after `cursor`."""
    after = RULESETS.after(paging.cursor, paging.where)
    with runtime.reading() as uow:
        found = uow.registry.ruleset_versions(after_id=after, limit=read_limit(paging.limit))
        # Which version governs depends on every version, not only the page's.
        governing = ruleset_in_force(published_rulesets(uow), day or dt.datetime.now(dt.UTC).date())
    in_force = None if governing is None else governing.version
    page = RULESETS.page(found, paging.limit, lambda publication: publication[0])
    return page.map(
        lambda publication: RulesetVersion(
            publication[1],
            publication[2],
            parse_ruleset(publication[3]).effective_from,
            in_force=publication[1] == in_force,
        )
    )


def ruleset_version(runtime: Runtime, version: str) -> Ruleset:
    with runtime.reading() as uow:
        document = uow.registry.ruleset_document(version)
    if document is None:
        raise NotFoundError(f"no ruleset version {version!r}")
    return parse_ruleset(document)

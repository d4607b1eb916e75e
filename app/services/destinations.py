"""What a destination may be: an ISO 3166-1 alpha-2 country code (pycountry's maintained
list) or a group a ruleset defines. The one place questions, certificate scopes and
rulesets are checked, so each refuses the same things with the same words."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

import pycountry

from app.domain.errors import Located, QuestionRejectedError
from app.domain.registry import ALL, Ruleset

# A group name must not read as a country code, and a check of a group is kept as a
# decision record whose destination column holds 8 characters.
_GROUP_NAME = re.compile(r"[A-Z][A-Z0-9_-]{1,7}")


def normalised(name: str) -> str:
    """Destinations are matched in upper case; `fr` asks about FR."""
    return name.strip().upper()


def is_country(code: str) -> bool:
    """An assigned ISO 3166-1 alpha-2 code (not a user-assigned one such as XX)."""
    return len(code) == 2 and code.isalpha() and pycountry.countries.get(alpha_2=code) is not None


def _refusal(name: str, groups: Collection[str]) -> str:
    known = ", ".join(sorted(groups)) or "none"
    return (
        f"{name!r} is neither an ISO 3166-1 alpha-2 country code nor a group the ruleset "
        f"defines ({known})"
    )


def _refused(names: Sequence[str], ruleset: Ruleset, where: Sequence[str]) -> list[Located]:
    return [
        Located(place, _refusal(name, ruleset.country_groups))
        for name, place in zip(names, where, strict=True)
        if not (is_country(name) or ruleset.is_group(name))
    ]


def question_destinations(
    asked: Sequence[str], ruleset: Ruleset, *, where: str = "to"
) -> tuple[str, ...]:
    """The destinations of a question, normalised and each once, or refused naming every
    one (`to[1]`) that is neither a country code nor a group of the ruleset in force on
    the date asked."""
    names = [normalised(name) for name in asked]
    problems = _refused(names, ruleset, [f"{where}[{index}]" for index in range(len(names))])
    if problems:
        raise QuestionRejectedError("unknown destination", problems)
    return tuple(dict.fromkeys(names))


def question_destination(asked: str, ruleset: Ruleset, *, where: str = "to") -> str:
    """One destination asked about, normalised, or refused naming `where` it was given."""
    name = normalised(asked)
    problems = _refused([name], ruleset, [where])
    if problems:
        raise QuestionRejectedError("unknown destination", problems)
    return name


def scope_problems(scope: Iterable[str], groups: Collection[str], location: str) -> list[Located]:
    """A certificate scope names `*`, country codes, or groups some ruleset defines."""
    return [
        Located(f"{location}/{index}", _refusal(name, groups))
        for index, name in enumerate(scope)
        if name != ALL and not is_country(name) and name not in groups
    ]


def ruleset_problems(ruleset: Ruleset, location: str) -> list[Located]:
    """A ruleset's countries are country codes; its groups have names that cannot be taken
    for one, and hold at least one country code each."""
    problems = []
    if not is_country(ruleset.domestic_country):
        problems.append(
            Located(
                f"{location}/domestic_country",
                f"{ruleset.domestic_country!r} is not an ISO 3166-1 alpha-2 country code",
            )
        )
    for name, members in sorted(ruleset.country_groups.items()):
        where = f"{location}/country_groups/{name}"
        if not _GROUP_NAME.fullmatch(name) or is_country(name):
            problems.append(
                Located(
                    where,
                    f"{name!r} cannot name a group: 2 to 8 letters, digits, '-' or '_', starting "
                    "with a letter, and not an ISO 3166-1 alpha-2 country code",
                )
            )
        if not members:
            problems.append(Located(where, f"group {name} names no country"))
        problems.extend(
            Located(where, f"{code!r} is not an ISO 3166-1 alpha-2 country code")
            for code in sorted(members)
            if not is_country(code)
        )
    problems.extend(
        Located(f"{location}/pilot_countries", _refusal(code, ruleset.country_groups))
        for code in sorted(ruleset.pilot_countries)
        if not (is_country(code) or ruleset.is_group(code))
    )
    return problems

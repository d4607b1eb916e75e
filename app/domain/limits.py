"""How long each stored text may be, in characters: longer is refused (422, located), so what
is stored, and every answer built from it, stays bounded. docs/bom-conventions.md and the
README list them; change them there too."""

from __future__ import annotations

from typing import Final

# Ids, BOM versions and cursors' ids are 64-bit signed integers in PostgreSQL and SQLite
# alike; a larger number names nothing and must not reach a driver, which refuses to bind it.
MAX_ID: Final = 2**63 - 1

# -- in a BOM --------------------------------------------------------------------------------
# A component's, service's, supplier's or property's name, a group, a CPE, a SWID tag id.
NAME: Final = 1_024
VERSION: Final = 256
PURL: Final = 4_096
# A bom-ref, and each reference to one (`ref`, `dependsOn`, `provides`, compositions).
REFERENCE: Final = 4_096
# A description, a property's value.
FREE_TEXT: Final = 65_536
# Any other string, such as a URL, a licence text or an attachment's base64 content.
OTHER_TEXT: Final = 1_048_576

# -- through the API and the command line ------------------------------------------------------
ORGANISATION_CODE: Final = 64
ORGANISATION_NAME: Final = 200
LABEL: Final = 200
REASON: Final = 2_000
ACTOR: Final = 256
CERTIFICATE_NUMBER: Final = 128
REVIEWER_ID: Final = 128
REVIEWER_NAME: Final = 1_024
PUBLIC_KEY: Final = 16_384
SECTOR: Final = 256
URL: Final = 8_192
# A purl, identity key or name@version a question names (the same bound as a BOM's purl).
SUBJECT: Final = PURL
RULESET_VERSION: Final = 64
# Entries of one list in a request (sectors, destinations, events, accreditations…).
LIST_ITEMS: Final = 1_000

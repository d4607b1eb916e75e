"""What the tests of decision reports and attestations share: the day asked, settings with a
signing key of the test's own, reading a PDF's text, and a registry that certifies the
camera of `tests.builders` and the model inside its supplier's module."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pypdf

from app.config import Settings
from tests.builders import CAMERA_PURL, MODEL_PURL

ON = dt.date(2026, 12, 1)
JSON_TYPE = "application/vnd.cyclonedx+json"

CERTIFIED = {
    "reviewers": [
        {"id": "TEST-ER", "name": "Test Review Body",
         "accreditations": [{"from": "2026-01-01", "to": None}]}
    ],
    "certificates": [
        {"number": number, "subject": subject, "reviewer": "TEST-ER",
         "dimensions": ["algorithmic_bias", "data_privacy", "system_controllability"],
         "issued": "2026-06-15", "expires": "2027-06-14",
         "destinations": ["*"], "sectors": ["*"],
         "events": [{"status": "active", "date": "2026-06-15"}]}
        for number, subject in (("CERT-CAMERA-1", CAMERA_PURL), ("CERT-MODEL-1", MODEL_PURL))
    ],
}  # fmt: skip


def own_key_settings(database_url: str, tmp_path: Path) -> Settings:
    """The test's database, and a signing key of its own (never the working folder's)."""
    return Settings(database_url=database_url, signing_key_file=tmp_path / "signing-key.pem")


def squeezed(text: str) -> str:
    """The text with every blank taken out: a long digest may wrap in a PDF."""
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> tuple[int, str]:
    """(pages, the text on them, squeezed)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return len(reader.pages), squeezed("".join(page.extract_text() for page in reader.pages))

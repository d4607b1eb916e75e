"""The command line against what a shell can hand it: devices, FIFOs, an empty path, files it
cannot read inside a folder, a mistyped organisation. Each is refused by name, before it is
read, and a folder run carries on with the rest."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli.main import app
from tests.builders import camera_bom, supplier_module_bom

runner = CliRunner()
# Long enough to start the interpreter on a busy machine; a read of a FIFO or of /dev/urandom
# that never ends is what this bounds.
HANG_SECONDS = 60
# A read of /dev/zero exhausts memory; below this it fails instead of taking the machine.
MEMORY_BYTES = 2 << 30


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def run_bounded(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed command in a process of its own, bounded in time and memory: what is
    tested here would otherwise hang the suite or exhaust the machine."""

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))

    return subprocess.run(
        [sys.executable, "-c", "from app.cli.entry import run; run()", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=HANG_SECONDS,
        preexec_fn=bounded,
    )


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.cdx.json"
    os.mkfifo(path)
    return path


def special(name: str, fifo: Path) -> tuple[str, str]:
    """(path, kind the refusal names)."""
    if name == "fifo":
        return str(fifo), "a FIFO"
    return name, "a character device"


@pytest.mark.parametrize(
    ("command", "target"),
    [
        (("ingest",), "/dev/zero"),
        (("ingest",), "/dev/urandom"),
        (("ingest",), "fifo"),
        (("check", "--to", "DE", "--bom"), "/dev/zero"),
        (("check", "--to", "DE", "--bom"), "fifo"),
        (("registry", "import"), "/dev/urandom"),
        (("registry", "import"), "fifo"),
    ],
)
def test_a_file_that_is_not_a_regular_file_is_refused_unread_when_named(
    cli_env: str, fifo: Path, command: tuple[str, ...], target: str
) -> None:
    path, kind = special(target, fifo)

    done = run_bounded(*command, path)

    assert done.returncode == 2, done.stderr
    said = done.stdout + done.stderr
    assert f"{path}: refused, not a regular file ({kind}); nothing was read" in said
    assert "internal error" not in said


def test_an_empty_path_is_refused_rather_than_read_as_the_current_folder_when_ingesting(
    cli_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "camera.cdx.json").write_bytes(camera_bom())
    monkeypatch.chdir(tmp_path)

    code, out, err = run("ingest", "")

    assert code == 2
    assert "an empty path names no file" in err
    # Nothing was stored: the BOM in the current folder is new to the database.
    code, out, _ = run("ingest", "camera.cdx.json")
    assert code == 0
    assert "stored as BOM" in out
    assert "already stored" not in out


@pytest.mark.parametrize(
    "command",
    [("check", "--to", "DE", "--bom"), ("registry", "import"), ("certificates", "record")],
)
def test_an_empty_path_is_refused_when_a_command_reads_one_file(
    cli_env: str, command: tuple[str, ...]
) -> None:
    code, _, err = run(*command, "")

    assert code == 2
    assert "'': refused, an empty path names no file" in err


def test_a_folder_run_refuses_each_bad_file_by_path_and_stores_the_others(
    cli_env: str, tmp_path: Path
) -> None:
    folder = tmp_path / "boms"
    folder.mkdir()
    (folder / "camera.cdx.json").write_bytes(camera_bom())
    (folder / "module.cdx.json").write_bytes(supplier_module_bom())
    os.mkfifo(folder / "pipe.cdx.json")
    (folder / "zero.cdx.json").symlink_to("/dev/zero")
    # A regular file whose read fails (EIO), whoever runs the tests, root included.
    (folder / "broken.cdx.json").symlink_to("/proc/self/mem")
    (folder / "gone.cdx.json").symlink_to(tmp_path / "nowhere")

    code, out, err = run("ingest", str(folder))

    assert code == 2
    assert "internal error" not in out + err
    lines = out.splitlines()
    assert (
        f"{folder / 'pipe.cdx.json'}: refused, not a regular file (a FIFO); nothing was read"
        in lines
    )
    assert (
        f"{folder / 'zero.cdx.json'}: refused, not a regular file (a character device); "
        "nothing was read"
    ) in lines
    assert f"{folder / 'broken.cdx.json'}: refused, cannot read it: Input/output error" in lines
    assert (
        f"{folder / 'gone.cdx.json'}: refused, cannot read it: No such file or directory" in lines
    )
    assert sum("stored as BOM" in line for line in lines) == 2
    assert "4 of 6 documents refused" in err


def test_a_folder_run_reports_refusals_in_json_too(cli_env: str, tmp_path: Path) -> None:
    folder = tmp_path / "boms"
    folder.mkdir()
    (folder / "camera.cdx.json").write_bytes(camera_bom())
    os.mkfifo(folder / "pipe.cdx.json")

    code, out, _ = run("ingest", "--json", str(folder))

    assert code == 2
    reports = {report["path"]: report for report in json.loads(out)}
    assert reports[str(folder / "pipe.cdx.json")]["status"] == "refused"
    assert reports[str(folder / "pipe.cdx.json")]["error"]["title"] == "file refused"
    assert reports[str(folder / "camera.cdx.json")]["status"] == "stored"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_a_folder_run_refuses_a_file_it_may_not_read(cli_env: str, tmp_path: Path) -> None:
    folder = tmp_path / "boms"
    folder.mkdir()
    (folder / "camera.cdx.json").write_bytes(camera_bom())
    secret = folder / "secret.cdx.json"
    secret.write_bytes(supplier_module_bom())
    secret.chmod(0)

    code, out, _ = run("ingest", str(folder))

    assert code == 2
    assert f"{secret}: refused, cannot read it: Permission denied" in out
    assert "stored as BOM" in out


def organisation_is_new(code: str) -> bool:
    """Whether `orgs create` finds the code free: it refuses a code that exists under
    another name (and answers a repeat of the same one as done)."""
    return run("orgs", "create", code, "--name", f"probe of {code}")[0] == 0


@pytest.mark.usefixtures("cli_env")
class TestOrganisations:
    def test_an_unknown_organisation_is_refused_and_not_created_when_ingesting(
        self, tmp_path: Path
    ) -> None:
        path = tmp_path / "camera.cdx.json"
        path.write_bytes(camera_bom())

        code, out, err = run("ingest", "--org", "acne", str(path))

        assert code == 2
        assert "no organisation 'acne'" in err
        assert "--create-org" in err
        assert "stored as BOM" not in out
        assert organisation_is_new("acne")

    def test_an_unknown_organisation_is_created_when_asked_to(self, tmp_path: Path) -> None:
        path = tmp_path / "camera.cdx.json"
        path.write_bytes(camera_bom())

        code, out, _ = run("ingest", "--org", "acme", "--create-org", str(path))

        assert code == 0
        assert "stored as BOM" in out
        assert not organisation_is_new("acme")

    def test_an_existing_organisation_needs_no_flag(self, tmp_path: Path) -> None:
        path = tmp_path / "camera.cdx.json"
        path.write_bytes(camera_bom())
        assert run("orgs", "create", "acme")[0] == 0

        code, out, _ = run("ingest", "--org", "acme", str(path))

        assert code == 0
        assert "stored as BOM" in out

    def test_the_built_in_local_organisation_is_created_on_first_use(self, tmp_path: Path) -> None:
        path = tmp_path / "camera.cdx.json"
        path.write_bytes(camera_bom())

        code, out, _ = run("ingest", str(path))

        assert code == 0
        assert "stored as BOM" in out
        assert not organisation_is_new("local")

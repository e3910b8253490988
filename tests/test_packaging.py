"""What `pip install` gives: the wheel holds the shipped scenarios beside the code that loads them
(so `rotation serve --demo` finds demo-county when installed), the service is an extra, and the
command says what to install when that extra is missing."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from optimizer.cli import EXIT_INPUT, main

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "optimizer", "api", "scenarios")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """The project's wheel, built from a copy of its sources (the build leaves nothing in the
    working tree) with the setuptools installed beside the tests, no network."""
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(path, source / name)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(source),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_ships_the_demo_county_beside_the_code_that_loads_it(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    bundle = {
        f"scenarios/demo-county/{name}"
        for name in ("teachers.csv", "schools.csv", "demand.csv", "pins.csv", "policy.toml")
    }
    assert bundle <= names
    assert "scenarios/conflicting-quotas/policy.toml" in names  # POST /v1/scenarios/demo's other bundle
    # api/commands.py and api/routes/scenarios.py find scenarios/ beside api/, as installed.
    assert {"api/commands.py", "api/routes/scenarios.py"} <= names
    assert all(
        PurePosixPath(name).parts[0] in {"api", "optimizer", "scenarios"} or ".dist-info" in name
        for name in names
    )


def test_the_service_postgres_and_cluster_are_extras(wheel: zipfile.ZipFile) -> None:
    [metadata] = [name for name in wheel.namelist() if name.endswith(".dist-info/METADATA")]
    requires = [
        line.split(": ", 1)[1]
        for line in wheel.read(metadata).decode().splitlines()
        if line.startswith("Requires-Dist: ")
    ]
    core = [line for line in requires if "extra ==" not in line]
    names = {line.split(">")[0].split("[")[0].strip() for line in core}
    assert names.isdisjoint({"fastapi", "uvicorn", "sqlalchemy", "psycopg", "distributed", "pandas"})
    assert "highspy>=1.16" in core
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    assert {"service", "postgres", "cluster"} <= set(extras)
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert "'.[service,postgres,cluster,dev]'" in setup  # what the README's two commands install


def test_a_service_command_without_the_service_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delitem(sys.modules, "api.commands", raising=False)
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if not installed
    assert main(["keys", "list"]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "pip install 'teacher-rotation[service]'" in err and "missing uvicorn" in err

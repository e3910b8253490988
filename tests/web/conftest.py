"""Fixtures for the web page's browser tests: a real `rotation serve` on a free port with a fresh
SQLite database and keys made by `rotation keys create`, and Debian's Chromium driven by Playwright.

Without /usr/bin/chromium or the playwright package the browser tests are skipped, and the run
ends with a line saying how to install them (scripts/test.sh installs Chromium before pytest).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REGION = "青山县"
OTHER_REGION = "西区"
HAS_PLAYWRIGHT = importlib.util.find_spec("playwright") is not None


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, with the fix; None when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install Debian's Chromium with `apt-get install chromium`"
    if not HAS_PLAYWRIGHT:
        return "the playwright package is missing: `.venv/bin/pip install -e '.[dev]'`"
    return None


def pytest_terminal_summary(terminalreporter: Any) -> None:
    reason = browser_missing()
    if reason and terminalreporter.stats.get("skipped"):
        terminalreporter.write_line(f"web page browser tests SKIPPED: {reason}", yellow=True, bold=True)


@dataclass(frozen=True)
class Service:
    url: str
    key: str
    other_key: str
    """A key for another region: it must see none of REGION's data."""
    database: str
    """The server's database URL, for `rotation keys create` with another role."""


def _rotation() -> str:
    beside = Path(sys.executable).with_name("rotation")
    return str(beside) if beside.exists() else shutil.which("rotation") or "rotation"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _new_keys(database: str, regions: list[str], env: dict[str, str]) -> list[str]:
    """One key per region from `rotation keys create` (the key is its last line), made in parallel."""
    runs = [
        subprocess.Popen(
            [_rotation(), "keys", "create", "--region", region, "--db", database],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for region in regions
    ]
    keys = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        keys.append(out.strip().splitlines()[-1])
    return keys


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """`rotation serve` as a newcomer runs it, with short solve caps so the module stays quick."""
    folder = tmp_path_factory.mktemp("web")
    database = f"sqlite:///{folder / 'rotation.db'}"
    env = {
        **os.environ,
        "ROTATION_MAX_TIME_LIMIT": "6",
        "ROTATION_DEFAULT_TIME_LIMIT": "4",
        "ROTATION_CPSAT_WORKERS": "4",
        "ROTATION_POLL_SECONDS": "0.1",
    }
    port = _free_port()
    log = (folder / "serve.log").open("w")
    server = subprocess.Popen(
        [_rotation(), "serve", "--port", str(port), "--db", database],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (folder / "serve.log").read_text()
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "rotation serve did not answer /health within 60 s"
            time.sleep(0.2)
        # After the server has migrated the schema, so the parallel key runs need not make it.
        key, other_key = _new_keys(database, [REGION, OTHER_REGION], env)
        yield Service(url, key, other_key, database)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = browser_missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, service: Service) -> Iterator[Any]:
    """A fresh tab (its own sessionStorage and cookies) on the page; page errors fail the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(service.url + "/")
    yield tab
    context.close()
    assert not errors, errors

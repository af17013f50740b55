"""The parse processes: they serve every ingestion and never outlive the app."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

KILLED_APP = """
import os, sys
from veripost_desktop.core.ingestion.parse_pool import parse_pool
child = parse_pool(1).submit(os.getpid).result(timeout=60)
print(child, flush=True)
os._exit(9)  # as a crash or a kill would: no atexit, no pool shutdown
"""


def _alive(pid: int) -> bool:
    if sys.platform == "win32":
        out = subprocess.run(
            ["tasklist", "/FI", f"PID eq {pid}"], capture_output=True, text=True
        ).stdout
        return str(pid) in out
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (ended, not yet reaped by init) counts as gone.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "\nState:\tZ" in status.read_text())


@pytest.mark.slow  # kills a process
def test_a_parse_process_ends_when_the_app_is_killed() -> None:
    done = subprocess.run(
        [sys.executable, "-c", KILLED_APP],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 9, done.stderr
    child = int(done.stdout.strip())
    deadline = time.monotonic() + 20
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child), f"parse process {child} outlived the killed app"

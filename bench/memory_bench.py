"""Figure 2: peak memory of ``veripost-cli ingest`` on a package with one
huge member, minus that of the same command on a tiny package.

Each run is its own process (fresh data directory and bucket). Its peak RSS
is the kernel's high-water mark of the process's own memory: ``VmHWM`` in
``/proc/PID/status`` on Linux, read every few milliseconds until it exits
(the mark only rises, so the last reading is the peak). Not ``getrusage``:
on Linux a child's ``ru_maxrss`` starts at the RSS its parent had when it
forked (the high-water mark survives ``exec``), so every run would read as
big as this benchmark process. On Windows psutil's ``peak_wset`` is read the
same way; elsewhere ``os.wait4`` is the fallback, with that caveat.

The posts are read in parse processes the CLI starts (core/ingestion/
parse_pool.py): their peaks are read the same way and added, so a figure is
the peak of the process tree, or a little above it (peaks that did not
coincide are summed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from ingestion_bench import ACCESS_KEY, SECRET_KEY
from results import Figure

MB = 1_000_000
POLL_S = 0.005
# Two 8 MiB upload parts: less than that is allocator noise, not a member held.
GROWTH_TARGET_MB = 16.0


@dataclass(frozen=True)
class CliRun:
    peak_rss: int  # bytes
    seconds: float
    status: str


def _cli_env(endpoint: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERIPOST_")}
    env.update(
        VERIPOST_DATA_DIR=str(data_dir),
        VERIPOST_LOG_DIR=str(data_dir / "logs"),
        VERIPOST_S3_ENDPOINT=endpoint,
        VERIPOST_S3_ACCESS_KEY=ACCESS_KEY,
        VERIPOST_S3_SECRET_KEY=SECRET_KEY,
        VERIPOST_S3_BUCKET=f"mem-{uuid.uuid4().hex[:12]}",
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    return env


def _read_hwm(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return None


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (the parse processes and their tracker)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def _wait_for_peak(proc: subprocess.Popen[bytes]) -> int:
    """Wait for ``proc``; return its peak resident set size in bytes."""
    if sys.platform.startswith("linux"):
        peaks: dict[int, int] = {}
        while proc.poll() is None:
            # A zombie has no memory left to report: readings stop at exit.
            for pid in (proc.pid, *_children(proc.pid)):
                hwm = _read_hwm(pid)
                if hwm:
                    peaks[pid] = max(peaks.get(pid, 0), hwm)
            time.sleep(POLL_S)
        return sum(peaks.values())
    if sys.platform == "win32":
        import psutil

        handle = psutil.Process(proc.pid)
        win_peaks: dict[int, int] = {}
        while proc.poll() is None:
            try:
                for each in (handle, *handle.children(recursive=True)):
                    info = each.memory_info()
                    peak = getattr(info, "peak_wset", 0) or info.rss
                    win_peaks[each.pid] = max(win_peaks.get(each.pid, 0), peak)
            except psutil.Error:
                pass  # a process ended between the listing and the reading
            time.sleep(POLL_S)
        return sum(win_peaks.values())
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024


def run_cli_ingest(endpoint: str, zip_path: Path, data_dir: Path) -> CliRun:
    command = [sys.executable, "-m", "veripost_desktop.cli", "ingest", "--json", str(zip_path)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, env=_cli_env(endpoint, data_dir), stdout=out, stderr=err)
        peak = _wait_for_peak(proc)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(
            f"veripost-cli ingest {zip_path.name} exited {proc.returncode}: "
            f"{stdout.strip()} {stderr.strip()}"[:2000]
        )
    status = json.loads(stdout)[0]["status"]
    return CliRun(peak, seconds, status)


def _best_run(endpoint: str, zip_path: Path, work: Path, repeats: int) -> tuple[CliRun, str]:
    """The run with the lowest peak of ``repeats`` (the allocator adds a few MB
    of noise from run to run), and the spread of the peaks for the note."""
    runs = [
        run_cli_ingest(endpoint, zip_path, work / f"{zip_path.stem}-{n}") for n in range(repeats)
    ]
    peaks = [r.peak_rss / MB for r in runs]
    best = min(runs, key=lambda r: r.peak_rss)
    spread = f"peaks of {repeats} runs: {', '.join(f'{p:.1f}' for p in peaks)} MB"
    return best, spread


def memory_figures(
    endpoint: str, tiny: Path, big: dict[int, Path], work: Path, repeats: int = 1
) -> list[Figure]:
    empty, empty_spread = _best_run(endpoint, tiny, work, repeats)
    figures = [
        Figure(
            "memory.empty_run",
            f"peak RSS of the CLI ingesting {tiny.name} (the empty run)",
            empty.peak_rss / MB,
            "MB",
            note=f"{empty_spread}; {empty.seconds:.2f} s including interpreter start",
        )
    ]
    deltas: dict[int, float] = {}
    for size_mb, path in sorted(big.items()):
        run, spread = _best_run(endpoint, path, work, repeats)
        deltas[size_mb] = (run.peak_rss - empty.peak_rss) / MB
        figures.append(
            Figure(
                f"memory.delta_{size_mb}mb",
                f"peak RSS over the empty run, one {size_mb} MB member",
                deltas[size_mb],
                "MB",
                "<",
                100.0,
                note=(
                    f"{spread}; ingestion took {run.seconds:.1f} s = "
                    f"{size_mb * 1.048576 / run.seconds:.1f} MB/s end to end"
                ),
            )
        )
    if len(deltas) > 1:
        small, large = min(deltas), max(deltas)
        figures.append(
            Figure(
                "memory.growth",
                f"peak RSS growth from a {small} MB to a {large} MB member",
                deltas[large] - deltas[small],
                "MB",
                "<",
                GROWTH_TARGET_MB,
                note=(
                    f"{large / small:.0f}x the data; under {GROWTH_TARGET_MB:.0f} MB "
                    "(two upload parts) means memory does not follow the member size"
                ),
            )
        )
    return figures

"""Demo databases of a given size for benchmarks, generated once and kept between runs.

Writing a million invoices takes the better part of a minute, so a generated SQLite file is
kept under ``$HOSTUI_BENCH_CACHE`` (default ``~/.cache/hostui-bench``), named by the invoice
count and a digest of the generator and the migrations: any change to either writes it anew.
Each run works on a copy, so what a benchmark writes (login events, read marks) never leaks
into the next run.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE_ENV = "HOSTUI_BENCH_CACHE"


def cache_dir() -> Path:
    path = Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "hostui-bench")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _generator_digest() -> str:
    digest = hashlib.sha256()
    for folder in ("backend/demo", "backend/migrations", "backend/models.py"):
        base = ROOT / folder
        files = [base] if base.is_file() else sorted(base.rglob("*.py"))
        for file in files:
            digest.update(file.relative_to(ROOT).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def generate(database_url: str, directory: Path, invoices: int | None, traffic_days: int = 1) -> None:
    """Write the demo data set with ``invoices`` invoices (None: the default demo) into
    ``database_url``, with the server-password key in ``directory``, in a child process."""
    command = [sys.executable, "-m", "backend.demo", "--database", database_url,
               "--secret-key-file", str(directory / "secret.key"), "--traffic-days", str(traffic_days)]
    if invoices is not None:
        command += ["--invoices", str(invoices)]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def cached_sqlite(invoices: int | None) -> Path:
    """A directory holding ``portal.sqlite3`` and ``secret.key`` with the demo data set at that
    size, generated on first use. Treat it as read-only: use ``sqlite_copy`` to work on it."""
    name = f"demo-{'default' if invoices is None else invoices}-{_generator_digest()}"
    folder = cache_dir() / name
    if (folder / "done").exists():
        return folder
    # One writer per data set: two benchmarks (or two test workers) asking for the same size
    # at once would otherwise delete each other's half-written copy.
    with open(cache_dir() / (name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "done").exists():
            shutil.rmtree(folder, ignore_errors=True)
            partial = cache_dir() / (name + ".partial")
            shutil.rmtree(partial, ignore_errors=True)
            partial.mkdir()
            generate(f"sqlite:///{partial / 'portal.sqlite3'}", partial, invoices)
            (partial / "done").write_text("")
            partial.rename(folder)
            _forget_older_versions(name)
    return folder


def _forget_older_versions(name: str) -> None:
    """Delete the data sets of this size made by another generator version: a million invoices
    take half a gigabyte, and every change to the generator or the schema makes a new one.
    One whose writer still holds its lock is left alone."""
    size = name.rsplit("-", 1)[0]
    for entry in cache_dir().glob(f"{size}-*"):
        if entry.name.startswith(name) or entry.suffix == ".lock":
            continue
        lock_path = cache_dir() / (entry.name.removesuffix(".partial") + ".lock")
        with open(lock_path, "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # being written right now
            shutil.rmtree(entry, ignore_errors=True)
        lock_path.unlink(missing_ok=True)


@contextmanager
def sqlite_copy(invoices: int | None, into: Path) -> Iterator[Path]:
    """A fresh copy of the cached data set of that size in ``into`` (its directory: the
    database file is ``portal.sqlite3``, the key ``secret.key``)."""
    source = cached_sqlite(invoices)
    into.mkdir(parents=True, exist_ok=True)
    for name in ("portal.sqlite3", "secret.key"):
        shutil.copy2(source / name, into / name)
    yield into

"""Benchmarks: figures against floors measured in the same run (``python -m bench``)."""

import os

# A warm start reads compiled bytecode. A shell that forbids writing it (some containers set
# PYTHONDONTWRITEBYTECODE=1) would make every measured start compile hostui from source, a
# cost the floor app, a single file, hardly pays: the processes a benchmark starts must not
# inherit it.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

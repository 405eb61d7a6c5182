"""Benchmarks: figures against floors measured in the same run (``python -m bench``)."""

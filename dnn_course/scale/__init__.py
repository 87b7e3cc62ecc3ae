"""Grading at scale: several processes on this machine (parallel) or a Dask cluster (distributed)."""

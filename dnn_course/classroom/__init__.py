"""A classroom on this machine: JupyterHub, real Unix accounts, nbgrader's exchange (docs/classroom.md)."""

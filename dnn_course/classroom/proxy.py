"""JupyterHub's proxy, npm's configurable-http-proxy, installed into D/node by `npm install --prefix`."""
import shutil
import subprocess
from pathlib import Path

from dnn_course.classroom.layout import Layout, SetupError

# The proxy JupyterHub is tested with here (docs/dependencies.md).
CHP_PACKAGE = "configurable-http-proxy@5.3.0"


def install_proxy(layout: Layout) -> Path:
    """Install the proxy into D/node unless it is there already.

    Args:
        layout: the classroom's Layout.

    Returns:
        The proxy's executable.

    Raises:
        SetupError: no npm on PATH, or npm failed (its last lines are in the message).
    """
    exe = layout.proxy
    if exe.exists():
        return exe
    npm = shutil.which("npm")
    if not npm:
        raise SetupError("npm is not installed; JupyterHub's proxy comes from npm: "
                                "apt-get install nodejs npm, then start the classroom again.")
    layout.node.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([npm, "install", "--prefix", str(layout.node), "--no-audit", "--no-fund",
                           "--loglevel", "error", CHP_PACKAGE], capture_output=True, text=True)
    if done.returncode or not exe.exists():
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-5:])
        raise SetupError(f"npm install {CHP_PACKAGE} into {layout.node} failed:\n{tail}")
    return exe

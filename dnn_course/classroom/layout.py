"""Where a classroom's state lives under its folder D (the layout the hub and the grading service share)."""
import os
from pathlib import Path

COURSE_ID = "dnn-cat-course"
DEFAULT_INSTRUCTOR = "instructor"
DEFAULT_IP, DEFAULT_PORT = "127.0.0.1", 8000


class SetupError(RuntimeError):
    """A step of setting up or starting the classroom failed; the message says what to do."""


class Layout:
    """The paths of one classroom folder.

    Attributes:
        root: the classroom folder D.
        course: D/course, the instructor's copy of the course folder (gradebook.db inside).
        exchange: D/exchange, nbgrader's exchange root.
        hub: D/hub, JupyterHub's state, configuration and logs.
        node: D/node, the npm prefix holding configurable-http-proxy.
        proxy: the proxy's executable inside D/node (it may not exist yet).
        home: D/home, the home folders of the accounts this classroom created.
        accounts: D/accounts.json, which Unix accounts this classroom created.
    """

    def __init__(self, root: str | os.PathLike) -> None:
        """Args:
            root: the classroom folder (made absolute).
        """
        self.root = Path(root).resolve()
        self.course = self.root / "course"
        self.exchange = self.root / "exchange"
        self.hub = self.root / "hub"
        self.node = self.root / "node"
        self.proxy = self.node / "node_modules" / ".bin" / "configurable-http-proxy"
        self.home = self.root / "home"
        self.accounts = self.root / "accounts.json"
        self.hub_config = self.hub / "jupyterhub_config.py"
        self.hub_pid = self.hub / "jupyterhub.pid"
        self.hub_log = self.hub / "jupyterhub.log"
        self.proxy_pid = self.hub / "proxy.pid"
        self.state = self.hub / "classroom.json"
        self.jupyter_config = self.hub / "jupyter"  # per-role JUPYTER_CONFIG_PATH folders

    def role_config(self, role: str) -> Path:
        """The Jupyter configuration folder of one role.

        Args:
            role: "learner" or "instructor".

        Returns:
            The folder's path.
        """
        return self.jupyter_config / role

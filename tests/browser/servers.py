"""Start and stop the JupyterLab servers the browser tests drive, with bounded waits."""
import json
import os
import secrets
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from dnn_course.classroom.hub import free_port

START_TIMEOUT = 90  # seconds for a server to answer /api/status
LAB_SETTINGS = {
    # No news or update check: the test machine has no network, and a toast
    # would cover the notebook in the screenshots. (The learner's server gets
    # none of these: the learner wheel's own settings must do it.)
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}


class LabServer:
    """One ``jupyter lab`` process on 127.0.0.1, with its own token, port and settings."""

    def __init__(self, name, bin_dir, root_dir, scratch, env=None, cwd=None, base_env=None,
                 lab_settings=LAB_SETTINGS):
        """Args:
            name: what the server is for, used in failure messages ("learner", "instructor").
            bin_dir: the environment's bin folder holding ``jupyter``.
            root_dir: the folder the server shows.
            scratch: a folder for the server's settings, workspaces, runtime files and log.
            env: environment variables for the server and its kernels (None removes one).
            cwd: the server's working directory (default: root_dir).
            base_env: the environment to start from (default: this process's).
            lab_settings: user settings files to write (path under the settings folder -> values).
        """
        self.name, self.root_dir = name, Path(root_dir)
        self.token = secrets.token_hex(16)
        scratch = Path(scratch)
        settings = scratch / "lab-settings"
        settings.mkdir(parents=True, exist_ok=True)
        for rel, values in lab_settings.items():
            path = settings / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        self.log_path = scratch / f"{name}-server.log"
        full_env = dict(os.environ if base_env is None else base_env)
        for key, value in (env or {}).items():
            if value is None:
                full_env.pop(key, None)
            else:
                full_env[key] = value
        full_env.update({
            "PATH": f"{bin_dir}{os.pathsep}{full_env.get('PATH', '')}",
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "lab-workspaces"),
            "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
        })
        self._cmd = [str(Path(bin_dir) / "jupyter"), "lab", "--no-browser",
                     f"--ServerApp.token={self.token}", "--ServerApp.ip=127.0.0.1",
                     "--ServerApp.port_retries=0", f"--ServerApp.root_dir={self.root_dir}"]
        if os.geteuid() == 0:  # containers and CI often run as root
            self._cmd.append("--allow-root")
        self._popen = {"cwd": str(cwd or root_dir), "env": full_env}
        self._launch()

    def _launch(self):
        """Start ``jupyter lab`` on a port that is free right now."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(self._cmd + [f"--port={self.port}"], **self._popen,
                                     stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def page_url(self, path):
        """The URL of ``path`` on this server, logged in with its token.

        Args:
            path: e.g. "lab/tree/dnn_app.ipynb" or "formgrader".

        Returns:
            The full URL.
        """
        sep = "&" if "?" in path else "?"
        return f"{self.url}/{path.lstrip('/')}{sep}token={self.token}"

    def log_in(self, page):
        """Log ``page``'s browser context in, as opening the server's start URL does.

        A token in a deeper URL (e.g. /formgrader/...) sets the login cookie for
        that folder only, so formgrader's API calls would be sent to the login page.

        Args:
            page: the Page.
        """
        page.goto(self.page_url(""), wait_until="commit")
        names = [c["name"] for c in page.context.cookies() if c.get("path") == "/"]
        assert any(n.startswith("username-") for n in names), \
            f"the {self.name} server set no login cookie for /: {page.context.cookies()}"

    def log_tail(self, lines=30):
        """The last lines of the server's log, for failure messages.

    Args:
        lines: how many.

    Returns:
        The lines, joined by newlines.
    """
        if not self._log.closed:
            self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def wait_ready(self, timeout=START_TIMEOUT, port_tries=3):
        """Wait until the server answers /api/status; raise RuntimeError naming it if it does not.

        A port taken by another process between choosing and binding it (other
        test runs share the machine) is retried on a new port, ``port_tries`` times in all.

        Args:
            timeout: seconds to wait in all.
            port_tries: how many ports to try.

        Returns:
            This LabServer.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None and port_tries > 1 and "is not available" in self.log_tail(3):
                port_tries -= 1
                self._log.close()
                self._launch()
                continue
            if self.proc.poll() is not None:
                raise RuntimeError(f"the {self.name} JupyterLab server exited with code "
                                   f"{self.proc.returncode} before it came up; its log "
                                   f"({self.log_path}) ends:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.page_url("api/status"), timeout=5) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the {self.name} JupyterLab server did not answer {self.url}/api/status "
                           f"within {timeout} s; its log ({self.log_path}) ends:\n{self.log_tail()}")

    def stop(self, timeout=20):
        """Stop the server and its kernels (its whole process group).

        Args:
            timeout: seconds to wait for it to end after SIGTERM, then after SIGKILL.
        """
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, 15)
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait(timeout=timeout)
            except ProcessLookupError:
                pass
        self._log.close()

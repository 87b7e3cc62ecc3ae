"""The service's durable queue: every taken attempt and where it stands, in the course folder.

``<course>/.dnn_course/classroom/`` (mode 0700, the service's account only):
  - ``exchange/<course id>/inbound/<name>/``: the taken attempts, laid out as
    nbgrader's exchange so nbgrader's own collect copies them to ``submitted/``;
  - ``state/<name>.json``: one attempt's state, written whole (temporary file,
    fsync, rename), so a kill at any moment leaves the old state or the new.

States: ``queued`` (taken, not finished), then one of ``graded``, ``not graded``
(the notebook was not usable, or the course could not grade it), ``refused``
(over the attempt limit) or ``rejected`` (not sent by that learner's account,
or links inside). Only a finished state is ever written after ``queued``, and
only once the feedback is released and the history recorded, so after a kill
the service grades again exactly the attempts that were not finished.
"""
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from dnn_course.classroom.inbox import Arrival, parse_name

QUEUED = "queued"
FINISHED = ("graded", "not graded", "refused", "rejected")


def now() -> str:
    """The current time, ISO 8601 in UTC (microseconds: latencies are measured with it)."""
    return datetime.now(timezone.utc).isoformat()


class AttemptQueue:
    """The queue kept in ``<course_dir>/.dnn_course/classroom`` for course ``course_id``."""

    def __init__(self, course_dir: str | os.PathLike, course_id: str) -> None:
        self.home = Path(course_dir) / ".dnn_course" / "classroom"
        self.exchange = self.home / "exchange"
        self.inbound = self.exchange / course_id / "inbound"
        self.state_dir = self.home / "state"
        for folder in (self.home, self.inbound, self.state_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.home.chmod(0o700)

    def folder(self, name: str) -> Path:
        """The taken attempt's folder."""
        return self.inbound / name

    def read(self, name: str) -> dict | None:
        """The state of attempt ``name`` (a dict), or None when it has none."""
        path = self.state_dir / f"{name}.json"
        return json.loads(path.read_text()) if path.is_file() else None

    def write(self, state: dict) -> dict:
        """Write one attempt's state whole (see the module docstring).

        Args:
            state: a dict with at least ``name``.

        Returns:
            dict: ``state``.
        """
        path = self.state_dir / f"{state['name']}.json"
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(state, handle, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        return state

    def take(self, inbound: Path, arrival: Arrival) -> dict:
        """Move a finished submission out of the exchange into the store and queue it.

        Args:
            inbound: the exchange's inbound folder.
            arrival: the submission.

        Returns:
            dict: its new state (``queued``).
        """
        os.rename(Path(inbound) / arrival.name, self.folder(arrival.name))
        return self.write(self._queued(arrival))

    @staticmethod
    def _queued(arrival):
        return {"name": arrival.name, "student": arrival.student, "assignment": arrival.assignment,
                "timestamp": arrival.timestamp, "taken": now(), "status": QUEUED}

    def recover(self) -> int:
        """Queue the attempts taken just before a kill left them without a state.

        Returns:
            int: how many were queued.
        """
        count = 0
        for entry in self.inbound.iterdir():
            arrival = parse_name(entry.name)
            if arrival and self.read(entry.name) is None:
                self.write(self._queued(arrival))
                count += 1
        return count

    def states(self) -> list[dict]:
        """Every attempt's state, in arrival order (nbgrader's timestamp, then name)."""
        found = [json.loads(p.read_text()) for p in self.state_dir.glob("*.json")]
        return sorted(found, key=lambda s: (s["taken"], s["name"]))

    def pending(self) -> list[dict]:
        """The attempts not finished yet, in arrival order."""
        return [s for s in self.states() if s["status"] == QUEUED]

"""Read and check a classroom roster CSV (id, name, email, optional password) before anything is made."""
import csv
import re
from dataclasses import dataclass
from pathlib import Path

REQUIRED = ("id", "name", "email")
# Debian's useradd accepts more, but this is what every tool reads safely as a
# user name (and a JupyterHub user name, which becomes a URL part).
UNIX_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,30}$")


class RosterError(ValueError):
    """A roster that cannot be used; the message names the problem and the fix."""


@dataclass(frozen=True)
class Learner:
    """One roster row.

    Attributes:
        id: the Unix account and hub user name.
        name: the learner's full name (the account's comment).
        email: the learner's email.
        password: the password from the roster, or "" for a generated one.
    """

    id: str
    name: str
    email: str
    password: str = ""


def check_name(name: str, what: str) -> None:
    """Refuse a name that is not a safe Unix account name.

    Args:
        name: the name to check.
        what: how to call it in the message, e.g. "roster.csv line 3: id".

    Raises:
        RosterError: when it is not one.
    """
    if not UNIX_NAME.match(name):
        raise RosterError(f"{what} {name!r} is not a valid Unix account name: use lower-case "
                          "letters, digits, '_' or '-', starting with a letter or '_', at most "
                          "31 characters.")


def read_roster(path: Path) -> list[Learner]:
    """Every learner of a roster CSV, checked.

    Args:
        path: the CSV file; a header row with id, name and email (password optional).

    Returns:
        The list of Learner, in file order.

    Raises:
        RosterError: a missing file or column, an empty, duplicate or invalid id, or a
            field a Unix account cannot hold (":" or a line break).
    """
    path = Path(path)
    if not path.is_file():
        raise RosterError(f"the roster {path} does not exist; give a CSV file with the columns "
                          "id, name, email (password optional).")
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        columns = [c.strip().lower() for c in reader.fieldnames or []]
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise RosterError(f"the roster {path.name} has no column {', '.join(missing)}; its "
                              "first line must name the columns id, name, email (password optional).")
        reader.fieldnames = columns
        learners: list[Learner] = []
        seen: dict[str, int] = {}
        for line, row in enumerate(reader, start=2):
            row = {k: (v or "").strip() for k, v in row.items() if k}
            where = f"{path.name} line {line}"
            check_name(row["id"], f"{where}: id")
            if row["id"] in seen:
                raise RosterError(f"{where}: the id {row['id']!r} is already on line "
                                  f"{seen[row['id']]}; each learner needs an id of their own.")
            for key in ("name", "email", "password"):
                if any(ch in row.get(key, "") for ch in ":\n\r"):
                    raise RosterError(f"{where}: the {key} holds ':' or a line break, which a "
                                      "Unix account cannot hold; remove it.")
            seen[row["id"]] = line
            learners.append(Learner(row["id"], row["name"], row["email"], row.get("password", "")))
    if not learners:
        raise RosterError(f"the roster {path.name} lists no learner; add one line per learner "
                          "under the header id,name,email.")
    return learners

"""dnn-course classroom start|stop|status: a JupyterHub classroom in one folder (docs/classroom.md)."""
import argparse
import json
import os
import sys
from pathlib import Path

from dnn_course.classroom import accounts
from dnn_course.classroom.course_copy import make_course
from dnn_course.classroom.exchange import make_exchange, publish
from dnn_course.classroom.hub import answers, free_port, hub_pid, server_env, start_hub, stop_hub
from dnn_course.classroom.hub_config import service_available, write_hub_config
from dnn_course.classroom.layout import DEFAULT_INSTRUCTOR, DEFAULT_IP, DEFAULT_PORT, Layout, SetupError
from dnn_course.classroom.proxy import install_proxy
from dnn_course.classroom.roster import RosterError, read_roster
from dnn_course.classroom.private import open_to_instructor, refusal
from dnn_course.classroom.runtime import closed_folder, open_to_all, runtime_bin
from dnn_course.course.paths import COURSE_ROOT

OK, ATTENTION, USAGE = 0, 1, 2


def _absolute(text):
    """A path made absolute at parse time (dnn-course then changes to the course folder)."""
    return Path(text).absolute()


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``classroom`` and its start, stop and status commands to dnn-course's sub-commands.

    Args:
        sub: the argparse sub-parsers of dnn-course.
    """
    p = sub.add_parser("classroom", help="a JupyterHub classroom on this machine: start, stop, status")
    cmds = p.add_subparsers(dest="action", required=True)
    s = cmds.add_parser("start", help="set up (once) and start the classroom; prints new passwords once")
    s.add_argument("--dir", type=_absolute, required=True, help="the classroom folder (made if missing)")
    s.add_argument("--roster", type=_absolute, required=True, help="CSV with id,name,email[,password]")
    s.add_argument("--instructor", default=DEFAULT_INSTRUCTOR,
                   help=f"the instructor's account (default {DEFAULT_INSTRUCTOR})")
    s.add_argument("--ip", default=DEFAULT_IP, help=f"address to listen on (default {DEFAULT_IP})")
    s.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    s = cmds.add_parser("stop", help="stop the hub, the proxy and every user's server")
    s.add_argument("--dir", type=_absolute, required=True, help="the classroom folder")
    s.add_argument("--remove-accounts", action="store_true", help="also delete the Unix accounts "
                   "the classroom made (their home folders in DIR/home stay)")
    s = cmds.add_parser("status", help="what runs, the URL and the accounts")
    s.add_argument("--dir", type=_absolute, required=True, help="the classroom folder")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Carry out ``dnn-course classroom ACTION``.

    Args:
        args: the parsed arguments (action, dir, ...; root is the course folder).

    Returns:
        The exit code.
    """
    layout = Layout(args.dir)
    if args.action == "status":
        return status(layout)
    if os.geteuid() != 0:
        print(f"classroom {args.action}: run it as root (sudo): it manages Unix accounts and runs "
              "JupyterHub as root, which logs users in (PAM) and starts each one's server as them.",
              file=sys.stderr)
        return USAGE
    if args.action == "stop":
        return stop(layout, args.remove_accounts)
    return start(layout, args)


def checkouts(course_root: Path) -> list[Path]:
    """The course folders whose files the classroom's accounts reach: the one start copies
    from, which D/env installs, and this environment's own when the accounts run it.

    Args:
        course_root: the course folder start runs from.

    Returns:
        list of Path.
    """
    return [course_root] + ([COURSE_ROOT] if open_to_all(course_root) else [])


def _check(layout, args):
    """Everything that can be refused before anything is made: (learners, accounts to create)."""
    learners = read_roster(args.roster)
    todo = accounts.plan(layout, learners, args.instructor)
    leak = refusal(checkouts(args.root))
    if leak:
        raise RosterError(leak)
    closed = closed_folder(layout.root)
    if closed:
        raise RosterError(f"the learners' servers must reach {layout.exchange}, but {closed} is "
                          f"closed to other accounts: chmod o+x {closed}, or choose a --dir "
                          "elsewhere (e.g. /srv/classroom).")
    if layout.root.exists() and any(layout.root.iterdir()) and not (layout.root / ".gitignore").is_file():
        raise RosterError(f"{layout.root} holds files and is not a classroom folder; give an "
                          "empty or new folder to --dir.")
    if not 0 < args.port < 65536:
        raise RosterError(f"--port {args.port} is not a port: give 1-65535.")
    return learners, todo


def start(layout: Layout, args: argparse.Namespace) -> int:
    """Set up what is missing, then start the hub. See docs/classroom.md."""
    url = f"http://{args.ip}:{args.port}/"
    if hub_pid(layout):
        print(f"classroom: already running at {url} (dnn-course classroom status --dir {layout.root}).")
        return OK
    try:
        learners, todo = _check(layout, args)
    except RosterError as e:
        print(f"classroom start: {e}", file=sys.stderr)
        return USAGE
    layout.root.mkdir(parents=True, exist_ok=True)
    layout.root.chmod(0o755)
    (layout.root / ".gitignore").write_text("# a classroom's state: never committed\n*\n")
    passwords = accounts.create(layout, learners, args.instructor, todo)
    try:  # the new passwords are shown whatever happens next: they are stored nowhere
        pid = _set_up_and_run(layout, args, learners, url)
    except SetupError as e:
        print(f"classroom start: {e}", file=sys.stderr)
        return ATTENTION
    finally:
        _show_passwords(passwords)
    layout.state.write_text(json.dumps({"url": url, "ip": args.ip, "port": args.port,
                                        "instructor": args.instructor, "pid": pid}, indent=1))
    print(f"classroom: JupyterHub runs at {url} (pid {pid}); log: {layout.hub_log}")
    if not service_available():
        print("classroom: grading on arrival is not installed (dnn_course.classroom.service); "
              "grade with nbgrader collect/autograde meanwhile.")
    print(f"classroom: stop it with: dnn-course classroom stop --dir {layout.root}")
    return OK


def _set_up_and_run(layout, args, learners, url):
    """Course copy, exchange, release, proxy, configuration, then the hub: its pid."""
    uid, gid = accounts.ids(args.instructor)
    for checkout in checkouts(args.root):  # the grading service reads them as the instructor
        open_to_instructor(checkout, uid)
    bin_dir = runtime_bin(layout, args.root)
    env = server_env(bin_dir)
    make_course(layout, args.root, uid, gid)
    make_exchange(layout)
    publish(layout, bin_dir, uid, gid, dict(env, HOME=str(layout.home / args.instructor)))
    proxy = install_proxy(layout)
    write_hub_config(layout, bin_dir, ip=args.ip, port=args.port, hub_port=free_port(),
                     api_port=free_port(), proxy=proxy, instructor=args.instructor,
                     users=[args.instructor] + [l.id for l in learners], env=env)
    return start_hub(layout, url)


def _show_passwords(passwords):
    if passwords:
        print("New accounts (passwords shown this once; stored nowhere):")
        for name, password in passwords.items():
            print(f"  {name:<20} {password}")


def stop(layout: Layout, remove_accounts: bool) -> int:
    """Stop the hub and everything the classroom's accounts run; optionally remove the accounts."""
    state = accounts.recorded(layout)
    uids = []
    for name in state["created"]:
        try:
            uids.append(accounts.ids(name)[0])
        except KeyError:
            pass
    ran = stop_hub(layout, uids)
    print(f"classroom: {'stopped' if ran else 'was not running'} ({layout.root}).")
    if remove_accounts:
        try:
            gone = accounts.remove(layout)
        except OSError as e:
            print(f"classroom stop: {e}; the accounts not removed stay in {layout.accounts}: "
                  "run stop --remove-accounts again.", file=sys.stderr)
            return ATTENTION
        print(f"classroom: removed the accounts {', '.join(gone) or '(none)'}; "
              f"their files stay in {layout.home}.")
    return OK


def status(layout: Layout) -> int:
    """Say whether the hub runs, where, and which accounts the classroom has."""
    if not layout.accounts.is_file():
        print(f"classroom status: {layout.root} is not a classroom folder (no accounts.json); "
              "start one with dnn-course classroom start --dir DIR --roster ROSTER.", file=sys.stderr)
        return USAGE
    state = json.loads(layout.state.read_text()) if layout.state.is_file() else {}
    recorded = accounts.recorded(layout)
    pid = hub_pid(layout)
    url = state.get("url", "?")
    version = answers(url) if pid else None
    if pid:
        print(f"classroom: running at {url} (JupyterHub {version or 'not answering'}, pid {pid})")
    else:
        print(f"classroom: stopped (last URL {url})")
    print(f"instructor: {recorded['instructor']}")
    print(f"learners ({len(recorded['learners'])}): {', '.join(recorded['learners'])}")
    print(f"grading service: {'registered' if service_available() else 'not installed'}")
    return OK if pid else ATTENTION

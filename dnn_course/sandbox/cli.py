"""``python -m dnn_course.sandbox``: the kernelspec's launcher, ``--run``, ``--status``, ``--install``."""
import argparse
import json
import sys
from collections.abc import Sequence

from dnn_course.sandbox.bwrap import lost_protections, sandbox_status
from dnn_course.sandbox.launch import inner_main, launch, warn
from dnn_course.sandbox.limits import NAME


def main(args: Sequence[str] | None = None) -> int:
    """Run the sandbox command line.

    Args:
        args: the arguments (default: ``sys.argv[1:]``).

    Returns:
        int: the exit status (the kernel's or command's, when one ran).
    """
    parser = argparse.ArgumentParser(
        prog="python -m dnn_course.sandbox",
        description="Start an IPython kernel in the course's grading sandbox.")
    parser.add_argument("-f", dest="connection_file", help="the kernel's connection file")
    parser.add_argument("--install", action="store_true",
                        help=f"install the {NAME} kernelspec into --prefix and exit")
    parser.add_argument("--prefix", default=sys.prefix, help="where --install puts it")
    parser.add_argument("--run", action="store_true",
                        help="run the command after -- in the sandbox (working folder: the "
                             "current one) and exit with its status")
    parser.add_argument("--status", action="store_true",
                        help="print which protections this host offers and exit")
    args = sys.argv[1:] if args is None else list(args)
    if args[:1] == ["--inner"]:  # --inner LIMITS -- ARGV (inside the sandbox)
        return inner_main(args[1], args[3:])
    if args[:2] == ["--run", "--"] and len(args) > 2:
        return launch(command=args[2:])
    ns, rest = parser.parse_known_args(args)
    rest = [a for a in rest if a != "--"]
    if ns.install:
        # here: jupyter_client is slow to import, and every kernel start runs this module
        from dnn_course.sandbox.kernelspec import install_kernelspec

        print(install_kernelspec(prefix=ns.prefix))
        return 0
    if ns.status:
        status = sandbox_status()
        print(json.dumps(status, indent=2))
        warn(lost_protections(status))
        return 0
    if ns.run:
        parser.error("usage: --run -- COMMAND [ARGS...]")
    if not ns.connection_file:
        parser.error("-f CONNECTION_FILE is required")
    return launch(ns.connection_file, rest)

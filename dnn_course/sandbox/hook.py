"""Where the verification re-run gets its isolation: the grading sandbox's command prefix."""
from dnn_course.sandbox.launch import command_prefix


def runner_prefix() -> tuple[str, ...]:
    """Command words that run a command inside the grading sandbox.

    Returns:
        tuple: ``python -P -m dnn_course.sandbox --run --`` as words.
    """
    return tuple(command_prefix())

"""The grading service's settings: ``c.ClassroomGrader.*`` in the course's ``nbgrader_config.py``."""
from traitlets import Bool, Enum, Float, Integer
from traitlets.config import Config, Configurable


class ClassroomGrader(Configurable):
    """What the classroom's grading service does with each submitted attempt.

    Defaults are what a course like this one picks: the latest attempt counts
    (a learner who fixes a mistake sees the fix), six attempts an hour (enough
    to act on each feedback page, too few to probe the hidden tests by brute
    force), and before the deadline the summary page only.
    """

    keep = Enum(["latest", "best"], default_value="latest",
                help="Which attempt's score the gradebook keeps: the latest or the best.").tag(config=True)
    attempts_per_hour = Integer(6, min=1,
                                help="Attempts graded per learner in any 60 minutes; more are "
                                     "answered with a page saying when the next is accepted.").tag(config=True)
    detail_before_deadline = Bool(False,
                                  help="Before the deadline, also show each test's detail (the "
                                       "whole feedback notebook); after it, it is always shown.").tag(config=True)
    poll_seconds = Float(0.5, min=0.05,
                         help="How often the exchange's inbound is looked at.").tag(config=True)


def load_settings(config: Config) -> ClassroomGrader:
    """The ClassroomGrader of a loaded nbgrader configuration.

    Args:
        config: the course's traitlets Config (``context.Course.config``).

    Returns:
        ClassroomGrader.
    """
    return ClassroomGrader(config=config)

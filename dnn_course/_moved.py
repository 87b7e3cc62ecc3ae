"""Old module paths of the flat dnn_course/ (0.1), kept for one release: each warns, then re-exports."""
import warnings


def moved(old, new):
    """Warn that the module ``old`` is now ``new``.

    Args:
        old: the deprecated module path (the shim's ``__name__``).
        new: the module that holds the names now.

    Returns:
        None (a DeprecationWarning is issued).
    """
    warnings.warn(f"{old} is deprecated and goes in the next release: import from {new} "
                  "(nbgrader_config.py: copy the course's current one)", DeprecationWarning,
                  stacklevel=3)

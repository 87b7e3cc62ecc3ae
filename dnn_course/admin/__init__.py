"""Instructor commands: release and check, collect from the LMS, export grades, class report."""

"""Instructor tooling for the course: solutions, release, grading, demo."""

"""The course itself: where things are, its facts, its data, its nbgrader configuration and gradebook, one Course per command (context)."""

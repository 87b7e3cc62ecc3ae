"""nbgrader preprocessors the course plugs in (nbgrader_config.py): execution guard, tamper repair, verification, feedback."""

"""Builders for plans objects on the two-organisation world of tests/world.py (shared by the plans tests and
tests/test_view_logging.py). Each takes the World and returns the created object."""

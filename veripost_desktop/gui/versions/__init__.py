"""Versions of a post in the window: the question on a drop, the Version column, the history."""

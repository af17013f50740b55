"""The team repository in the window: Refresh from storage."""

"""The Settings dialog and the settings it writes."""

"""The compare window and *Find similar posts* (issue 13): two posts side by
side, section by section."""

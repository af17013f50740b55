"""The file table of the selected package and saving its files."""

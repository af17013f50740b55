"""Adding packages: the drop area and its rules, the drop-time and duplicate
checks, starting and following ingestions."""

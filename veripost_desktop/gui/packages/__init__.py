"""The package table and what acts on packages: model, filter, Find bar,
actions, details, ZIP export."""

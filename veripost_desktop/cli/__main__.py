"""``python -m veripost_desktop.cli``: the same as the ``veripost-cli`` command."""

from veripost_desktop.entry_points import cli

if __name__ == "__main__":
    raise SystemExit(cli())

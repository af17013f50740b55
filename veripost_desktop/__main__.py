"""``python -m veripost_desktop`` starts the GUI."""

from veripost_desktop.app import main

if __name__ == "__main__":
    raise SystemExit(main())

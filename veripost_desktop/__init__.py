"""VeriPost Desktop: a catalog for UPG-2 post-processor packages."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("veripost-desktop")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

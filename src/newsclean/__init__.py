"""newsclean: raw news scrapes in, clean validated article records out."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsclean")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

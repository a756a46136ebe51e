from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ecrfix")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

QUERY_ID = "33f41d31-86b1-46a4-81f7-9c9a671f59ac"

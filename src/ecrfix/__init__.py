# The single source of the version (pyproject.toml reads it): asking the installed
# metadata instead costs ~20 ms of imports on every run.
__version__ = "0.1.0"

QUERY_ID = "33f41d31-86b1-46a4-81f7-9c9a671f59ac"

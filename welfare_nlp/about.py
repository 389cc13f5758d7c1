"""The package's version (read by the record and the CLI)."""
__version__ = "0.1.0"

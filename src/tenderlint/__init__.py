"""tenderlint: check tender documents and contracts for AI and technology against procurement guidance."""

__version__ = "0.1.0"

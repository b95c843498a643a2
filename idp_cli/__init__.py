"""idp: the command line of an internal developer platform for AI applications."""

__version__ = "0.1.0"

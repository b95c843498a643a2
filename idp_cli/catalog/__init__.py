"""The model catalog: its format, how it is read from files and git, and how it is queried."""

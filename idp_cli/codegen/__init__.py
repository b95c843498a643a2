"""What templates generate, computed in Python and handed to them as data (pure: no I/O, no
Copier), so that templates hold no code generators of their own."""

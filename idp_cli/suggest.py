"""Did-you-mean: the known names closest to a mistyped one, for every "unknown name" error.

One rule everywhere, so a typo finds the same suggestion whether it names a model, a
template, a key or a column: names whose difflib similarity to what was typed (case
ignored) is at least CUTOFF, then names that contain what was typed, when it is at least
CONTAINED characters long (`churn` finds `acme/churn-classifier`, which is too long to be
similar; `e` does not offer every name with an e).
"""

from __future__ import annotations

from collections.abc import Iterable

# difflib's own default: names that only share a prefix with what was typed
# (`acme/churn-clasifier` and `acme/chat-assistant`) are not offered; what is too short to be
# similar, like `chat` for `chat-service`, is found by containment
CUTOFF = 0.6
CONTAINED = 3


def close_names(given: str, names: Iterable[str], *, most: int = 3) -> list[str]:
    """Up to `most` of `names` close to `given`, the closest first."""
    # imported here: only an error needs it, and `idp models list` must start fast
    import difflib

    lowered: dict[str, str] = {}
    for name in names:
        lowered.setdefault(name.lower(), name)
    typed = given.lower()
    close = [lowered[n] for n in difflib.get_close_matches(typed, lowered, n=most, cutoff=CUTOFF)]
    if len(typed) >= CONTAINED:
        close += [n for low, n in lowered.items() if typed in low and n not in close]
    return close[:most]


def did_you_mean(given: str, names: Iterable[str], then: str = "") -> str:
    """`Did you mean A, B?` (up to three close names) followed by `then`; only `then` when
    no name is close."""
    close = close_names(given, names)
    if not close:
        return then
    asked = f"Did you mean {', '.join(close)}?"
    return f"{asked} {then}" if then else asked

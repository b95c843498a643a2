"""The CI systems a generated project can be set up for, in one place: `idp new --ci` offers
these values, and every bundled template's `ci` question lists the same labels and values
(tests/templates/test_ci_vocabulary.py holds them to it)."""

from __future__ import annotations

# value: the label Copier's prompt shows; the first is the default.
CI_SYSTEMS: dict[str, str] = {
    "github": "GitHub Actions",
    "gitlab": "GitLab CI",
    "tekton": "Tekton (Pipelines as Code)",
}
DEFAULT_CI = next(iter(CI_SYSTEMS))

"""The catalogs the golden `idp catalog diff -o json` document compares: BEFORE, then AFTER
(the source renamed, a model added, one removed, and one changed in its description,
versions, endpoints and signature)."""

from __future__ import annotations


def _version(number: str, lifecycle: str, endpoints: str, extra: str = "", inputs: str = "") -> str:
    return f"""\
      - version: "{number}"
        lifecycle: {lifecycle}
{extra}        signature:
          inputs: [{{name: tenure, type: long}}{inputs}]
          outputs: [{{name: churn, type: double}}]
        serving:
          endpoints:
{endpoints}"""


def _model(name: str, description: str, versions: str) -> str:
    return f"""\
  - name: {name}
    description: {description}
    owner: group:default/ds
    modelType: predictive
    tasks: [tabular-classification]
    license: proprietary
    versions:
{versions}"""


def _endpoint(name: str, url: str) -> str:
    return f"""\
            - {{name: {name}, protocol: oip-v2, url: "{url}", modelId: churn}}
"""


HEADER = "apiVersion: idp/v1alpha1\nkind: ModelCatalog\nsource: {{name: {0}}}\nmodels:\n"
PROD, CANARY, EU = (_endpoint(n, f"https://{n}.example.internal") for n in ("prod", "canary", "eu"))
BEFORE = HEADER.format("Golden") + (
    _model(
        "acme/kept",
        "Predicts churn.",
        _version("2.0.0", "production", PROD + CANARY)
        + _version("1.0.0", "production", PROD)
        + _version("0.9.0", "deprecated", PROD),
    )
    + _model("acme/gone", "Retired.", _version("1.0.0", "production", PROD))
)
AFTER = HEADER.format("Golden 2") + (
    _model(
        "acme/kept",
        "Predicts churn better.",
        _version("3.0.0", "production", PROD, inputs=", {name: region, type: string}")
        + _version("2.0.0", "production", PROD.replace("prod.", "moved.") + EU)
        + _version(
            "1.0.0", "deprecated", PROD, '        deprecation: {successor: "acme/kept@3.0.0"}\n'
        ),
    )
    + _model("acme/fresh", "New.", _version("1.0.0", "preview", PROD))
)

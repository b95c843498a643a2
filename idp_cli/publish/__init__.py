"""Publishing a model version into a catalog held in a local git repository.

`request` holds what is asked and what was done; `entries` builds the version entry (with
`signature` reading a signature file); `catalog_files` finds the file that holds the model and
validates the edited catalog; `edit` changes a file's text leaving every other byte alone;
`git` commits on a new branch; `operation` runs the whole publish.
"""

from __future__ import annotations

from idp_cli.publish.operation import default_branch, publish
from idp_cli.publish.request import REQUIRED_MODEL_FIELDS, Published, PublishError, Request

__all__ = [
    "REQUIRED_MODEL_FIELDS",
    "PublishError",
    "Published",
    "Request",
    "default_branch",
    "publish",
]

"""Stand-ins for the tools the update jobs call (idp, curl, git), as shell and Python scripts
that record how they were called: test_update_job_runs.py puts them first on PATH."""

FAKE_IDP = r"""#!/bin/sh
# A stand-in for idp: records its arguments, answers with the exit codes it is told.
printf '%s\n' "$*" >> "$FAKE_LOG/idp"
case "$1" in
  check)
    if [ -n "${FAKE_CREDENTIAL_HOST:-}" ]; then
      printf 'protocol=https\nhost=%s\n\n' "$FAKE_CREDENTIAL_HOST" \
        | git credential fill > "$FAKE_LOG/credential" 2>&1 || true
    fi
    exit "$FAKE_CHECK" ;;
  update)
    summary=""
    while [ $# -gt 0 ]; do
      if [ "$1" = --summary-file ]; then summary=$2; fi
      shift
    done
    if [ "$FAKE_UPDATE" != 1 ]; then
      printf '%s' "$FAKE_SUMMARY" > "$summary"
      echo "regenerated" >> README.md
      if [ "$FAKE_UPDATE" = 6 ]; then printf '<<<<<<< before\na\n=======\nb\n>>>>>>> after\n' > conflict.txt; fi
    fi
    exit "$FAKE_UPDATE" ;;
esac
exit 2
"""

FAKE_CURL = r"""#!/bin/sh
# A stand-in for curl: records each call (one argument a line, files named with @ inlined)
# and answers the merge request search with FAKE_OPEN_MRS.
{
  echo "--- call"
  for arg in "$@"; do
    case "$arg" in
      description@*) echo "description=$(cat "${arg#description@}")" ;;
      *) printf '%s\n' "$arg" ;;
    esac
  done
} >> "$FAKE_LOG/curl"
method=GET
for arg in "$@"; do
  case "$arg" in PUT|POST) method=$arg ;; esac
done
if [ "$method" = GET ]; then printf '%s' "$FAKE_OPEN_MRS"; else printf '{"iid": 9}'; fi
"""

# A stand-in for git that, before a push, records the credentials git would send with the same
# options (the push in these tests goes to a file:// remote, which asks for none).
FAKE_GIT = """#!{python}
import os, subprocess, sys

args = sys.argv[1:]
if "push" in args:
    options = args[: args.index("push")]
    answer = subprocess.run(
        ["{git}", *options, "credential", "fill"],
        input="protocol=https\\nhost=gitlab.example\\n\\n",
        capture_output=True,
        text=True,
    )
    with open(os.path.join(os.environ["FAKE_LOG"], "push-credential"), "a") as log:
        log.write(answer.stdout)
os.execv("{git}", ["{git}", *args])
"""

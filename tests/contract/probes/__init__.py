"""Scripts the contract tests run with a generated project's ``src`` on PYTHONPATH: they use
the project's own client and service against a live model server and print what happened."""

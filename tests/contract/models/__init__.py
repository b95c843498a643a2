"""Scripts that make the contract tests' models, run with a server environment's Python."""

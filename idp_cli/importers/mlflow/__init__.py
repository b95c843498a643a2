"""The MLflow importer: a registered model version (or a run's model) read from a tracking
server's REST API or a local store."""

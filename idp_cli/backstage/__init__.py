"""Backstage: the entity names that exports and generated projects share (`names`), and the
catalog as Backstage entities (`export`)."""

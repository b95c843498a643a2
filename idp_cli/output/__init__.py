"""Rendering for people (Rich) and for machines (JSON, YAML); stdout carries data only."""

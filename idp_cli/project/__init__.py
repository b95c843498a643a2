"""Generated projects: their recorded answers, drift against the catalog and template, updates."""

"""The pact's public pages (templates, style and their rendering)."""

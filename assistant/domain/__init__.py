"""Domain: settings, the data model (chunks, passages, answers), prompts and user-facing texts, text normalisation."""

"""Pages that bring several domains together: the start page and a council's home."""

"""The knowledge base: its model (rules.kb.model) and its loader (rules.kb.load)."""

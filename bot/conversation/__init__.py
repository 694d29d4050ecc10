"""The conversation: what the assistant says (dialogue), from which reviewed catalog entry, in which language."""

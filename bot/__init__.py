"""Puente's own package, in rooms by concern (understanding, conversation, handoff, store, clinics); see README, How it works."""

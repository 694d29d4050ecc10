"""Understanding a message: Rasa NLU components, language identification, intents, urgency, training."""

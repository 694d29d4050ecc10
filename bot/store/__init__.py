"""Where things are kept: the Redis connections, Rasa's tracker store, sealed secrets, pseudonyms."""

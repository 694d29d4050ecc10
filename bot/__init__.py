"""Puente's own package, in rooms by concern: understanding/ (what a message means), conversation/
(what to answer), handoff/ (cases for people), store/ (what is kept), clinics/ (the directory);
retention.py (deleting a person's data), settings.py and text.py below them all, cli.py above."""

"""Finding a clinic through the real Rasa server, action server and Redis."""
from __future__ import annotations

import uuid

from bot.conversation.catalog import render
from bot.store import storage


def test_asks_for_the_place_then_answers_and_remembers_it(chat, redis_client):
    sender = "p_test" + uuid.uuid4().hex[:10]
    asked = chat(sender, "clinic near me")
    assert asked == [render("clinic.ask_place", "en")]

    answer = chat(sender, "tapachula")
    assert render("clinic.sample", "en") in answer[0]
    assert render("clinic.results", "en", place="Tapachula") in answer[0]
    assert answer[1].startswith("Clínica Los Naranjos (sample), ")
    assert "Tel +52 962 000 0101" in answer[1] and "Languages: English, Spanish, Mam" in answer[1]
    assert len(answer) == 4

    profile = storage.load_profile(sender)
    assert profile["place"] == "Tapachula" and profile["location"] == "14.91,-92.26"
    # A later question without a place is answered for the remembered one.
    again = chat(sender, "doctor near me")
    assert render("clinic.results", "en", place="Tapachula") in again[0]

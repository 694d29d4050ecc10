"""Which catalog entry answers which topic, per country.

The message ids below are the extraction source for `pybabel extract -k N_` (see
`puente catalog update`); the texts live only in locale/<lang>/LC_MESSAGES/messages.po.
"""
from __future__ import annotations


def N_(msgid: str) -> str:
    """Marks a message id for extraction without translating it here."""
    return msgid


# Navigation and system messages.
SYSTEM = [
    N_("welcome"), N_("menu.main"), N_("menu.rights"), N_("menu.health"), N_("menu.language"),
    N_("menu.country"), N_("menu.hint"), N_("language.switched"), N_("country.switched"),
    N_("country.US"), N_("country.MX"), N_("country.TH"), N_("country.MY"),
    N_("clarify.intro"), N_("clarify.human"), N_("more.hint"), N_("more.none"),
    N_("input.empty"), N_("input.emoji"), N_("input.too_long"), N_("input.media"), N_("input.media_unread"),
    N_("input.unknown_language"), N_("out_of_scope"), N_("thanks"), N_("goodbye"), N_("affirm"), N_("deny"),
    N_("no_verified_info"), N_("human.requested"), N_("human.after_misunderstandings"),
    N_("escalation.recorded"), N_("help.carrier"), N_("fallback.unavailable"),
    # A person deleting their own data: asked to confirm, then told.
    N_("privacy.delete_confirm"), N_("privacy.deleted"), N_("privacy.delete_failed"),
    # Unsure whether someone is in danger: the one question, and the answer to "no".
    N_("urgency.ask"), N_("urgency.lowered"),
    # With the language menu, for a language we do not serve (or cannot tell): danger first.
    N_("input.unknown_language.safety"),
    # "If you are in danger now, call %(danger_number)s": one number, or, where the police have a
    # number of their own (Thailand), the medical and the police numbers (Dialogue.params).
    N_("numbers.danger"), N_("numbers.danger.split"),
]

# Phone calls. Read with <Say> where Twilio has a voice for the language; elsewhere these
# texts are the scripts for the recordings configured in config/organisation.yml.
VOICE = [
    N_("voice.language_option"), N_("voice.topic_menu"), N_("voice.speech_hint"), N_("voice.after_answer"),
    N_("voice.no_input"), N_("voice.wrong_key"), N_("voice.connecting"), N_("voice.no_answer"),
    N_("voice.voicemail_thanks"), N_("voice.no_recording"), N_("voice.whisper"), N_("voice.goodbye"),
    N_("voice.no_message"), N_("voice.press_zero"), N_("voice.not_understood"),
]

# What the phone line says instead of an entry that gives a text-only instruction ("reply 0",
# "write the name of your town"): spoken_id() picks the twin, and a catalog test fails if any
# spoken text asks the caller to reply, text or type.
VOICE_VARIANTS = {
    N_("no_verified_info"): N_("no_verified_info.voice"),
    N_("rights_general.TH"): N_("rights_general.TH.voice"),
    N_("rights_general.MY"): N_("rights_general.MY.voice"),
    N_("right_to_asylum.TH"): N_("right_to_asylum.TH.voice"),
    N_("covid_testing_vaccine"): N_("covid_testing_vaccine.voice"),
    # On the phone, "or call %(hotline)s" is the line the caller is on: the key to a volunteer instead.
    N_("find_detained_person.MX"): N_("find_detained_person.MX.voice"),
    N_("find_detained_person.TH"): N_("find_detained_person.TH.voice"),
    N_("find_detained_person.MY"): N_("find_detained_person.MY.voice"),
    N_("find_clinic"): N_("find_clinic.voice"),
    N_("clinic.result"): N_("clinic.result.voice"),
    N_("clinic.footer"): N_("clinic.footer.voice"),
    N_("clinic.place_unknown"): N_("clinic.place_unknown.voice"),
    N_("clinic.none_near"): N_("clinic.none_near.voice"),
}


def spoken_id(msgid: str) -> str:
    """The entry the phone line says for msgid: its voice twin where the text form gives a
    text-only instruction, else msgid itself."""
    return VOICE_VARIANTS.get(msgid, msgid)


# A volunteer takes over, and hands back; whether anyone is on duty, said honestly.
HANDOFF = [N_("handoff.claimed"), N_("handoff.closed"), N_("duty.on"), N_("duty.off")]

# Short replies a volunteer can send with one click, in the person's language.
CANNED = [N_("canned.hello"), N_("canned.details"), N_("canned.wait"), N_("canned.call")]

EMERGENCY = {
    "emergency_medical": N_("emergency.medical"),
    "emergency_self_harm": N_("emergency.self_harm"),
    "emergency_abuse": N_("emergency.abuse"),
    "emergency_deportation": N_("emergency.deportation"),
}
# Country variants of emergency guidance, where a country has a number of its own (988).
EMERGENCY_BY_COUNTRY = {
    ("emergency_self_harm", "US"): N_("emergency.self_harm.US"),
    # Telling the officer of the fear of return is what can stop a fast removal (shared/facts, USA).
    ("emergency_deportation", "US"): N_("emergency.deportation.US"),
    # Where the emergency numbers differ by need (shared/facts: Thailand, Malaysia), the crisis
    # line for self-harm and the police for abuse; the numbers are in config/organisation.yml.
    ("emergency_self_harm", "TH"): N_("emergency.self_harm.crisis"),
    ("emergency_self_harm", "MY"): N_("emergency.self_harm.crisis"),
    ("emergency_abuse", "TH"): N_("emergency.abuse.police"),
    # The facts give a right to an interpreter and a lawyer in the US and Mexico only: elsewhere,
    # a volunteer before anything is signed or decided (keep each country's facts apart).
    ("emergency_deportation", "TH"): N_("emergency.deportation.volunteer"),
    ("emergency_deportation", "MY"): N_("emergency.deportation.volunteer"),
}

# Answers whose law differs by country. A country missing here gets "no_verified_info":
# where the facts are not enough to answer safely, we offer a person instead of guessing.
COUNTRY_ANSWERS = {
    "rights_general": {"US": N_("rights_general.US"), "MX": N_("rights_general.MX"),
                       "TH": N_("rights_general.TH"), "MY": N_("rights_general.MY")},
    "right_to_lawyer": {"US": N_("right_to_lawyer.US"), "MX": N_("right_to_lawyer.MX")},
    "right_to_asylum": {"US": N_("right_to_asylum.US"), "MX": N_("right_to_asylum.MX"),
                        "TH": N_("right_to_asylum.TH"), "MY": N_("right_to_asylum.MY")},
    "right_to_medical_care": {"US": N_("right_to_medical_care.US"), "MX": N_("right_to_medical_care.MX"),
                              "TH": N_("right_to_medical_care.TH"), "MY": N_("right_to_medical_care.MY")},
    "right_to_communicate": {"US": N_("right_to_communicate.US"), "MX": N_("right_to_communicate.MX")},
    "right_not_to_sign": {"US": N_("right_not_to_sign.US"), "MX": N_("right_not_to_sign.MX")},
    "release_options": {"US": N_("release_options.US"), "MX": N_("release_options.MX")},
    "child_rights": {"MX": N_("child_rights.MX")},
    "find_detained_person": {"US": N_("find_detained_person.US"), "MX": N_("find_detained_person.MX"),
                             "TH": N_("find_detained_person.TH"), "MY": N_("find_detained_person.MY")},
}

# The clinic search (bot/clinics): asking where, the results, and the words inside a result.
# "find_clinic" stays a general answer for phone calls, which cannot send a town or a pin.
CLINICS = [
    N_("clinic.ask_place"), N_("clinic.place_unknown"), N_("clinic.your_location"), N_("clinic.results"),
    N_("clinic.results_need"), N_("clinic.footer"), N_("clinic.sample"), N_("clinic.result"),
    N_("clinic.none_near"), N_("clinic.none_near_need"), N_("clinic.open_until"), N_("clinic.open_always"),
    N_("clinic.closed_opens"), N_("clinic.km"), N_("clinic.miles"),
    N_("service.general"), N_("service.covid_testing"), N_("service.vaccination"), N_("service.mental_health"),
    N_("service.womens_health"), N_("service.children"),
    N_("cost.free"), N_("cost.sliding_scale"), N_("cost.paid"), N_("papers.yes"), N_("papers.unknown"),
]

# Answers that hold everywhere (WHO guidance).
GENERAL_ANSWERS = {
    "covid_info": N_("covid_info"),
    "covid_prevention": N_("covid_prevention"),
    "covid_testing_vaccine": N_("covid_testing_vaccine"),
    "covid_sick": N_("covid_sick"),
    "find_clinic": N_("find_clinic"),
}

# Longer follow-ups, sent when the person replies MORE after an answer.
MORE = {
    N_("rights_general.US"): N_("rights_general.US.more"),
    N_("right_to_lawyer.US"): N_("right_to_lawyer.US.more"),
    N_("right_to_asylum.US"): N_("right_to_asylum.US.more"),
    N_("right_to_medical_care.US"): N_("right_to_medical_care.US.more"),
    N_("right_to_communicate.US"): N_("right_to_communicate.US.more"),
    N_("right_not_to_sign.US"): N_("right_not_to_sign.US.more"),
    N_("release_options.US"): N_("release_options.US.more"),
    N_("find_detained_person.US"): N_("find_detained_person.US.more"),
    N_("rights_general.MX"): N_("rights_general.MX.more"),
    N_("right_to_asylum.MX"): N_("right_to_asylum.MX.more"),
    N_("release_options.MX"): N_("release_options.MX.more"),
    N_("child_rights.MX"): N_("child_rights.MX.more"),
    N_("covid_info"): N_("covid_info.more"),
}

# The law these answers state changes fast (shared/facts: US bond rules changed three times in
# 2025-2026), so each is followed by the date it was last checked (catalog.checked_on).
VOLATILE = {mid for topic, per_country in COUNTRY_ANSWERS.items() if topic != "find_detained_person"
            for mid in per_country.values()}
VOLATILE |= {MORE[mid] for mid in VOLATILE if mid in MORE}
LAW_REVIEWED = N_("law.reviewed")

# Short names of topics, for the numbered "did you mean" list.
LABEL_IDS = [
    N_("label.rights_general"), N_("label.right_to_lawyer"), N_("label.right_to_asylum"),
    N_("label.right_to_medical_care"), N_("label.right_to_communicate"), N_("label.right_not_to_sign"),
    N_("label.release_options"), N_("label.child_rights"), N_("label.covid_info"), N_("label.covid_prevention"),
    N_("label.covid_testing_vaccine"), N_("label.covid_sick"), N_("label.find_clinic"),
    N_("label.find_detained_person"), N_("label.request_human"), N_("label.emergency_medical"),
    N_("label.emergency_self_harm"), N_("label.emergency_abuse"), N_("label.emergency_deportation"),
    N_("label.menu"), N_("label.choose_language"),
]

LABELS = {mid.split(".", 1)[1]: mid for mid in LABEL_IDS}

TOPICS = set(COUNTRY_ANSWERS) | set(GENERAL_ANSWERS)


def answer_id(topic: str, country: str) -> str:
    if topic in GENERAL_ANSWERS:
        return GENERAL_ANSWERS[topic]
    return COUNTRY_ANSWERS[topic].get(country, "no_verified_info")


def emergency_id(intent: str, country: str) -> str:
    return EMERGENCY_BY_COUNTRY.get((intent, country), EMERGENCY[intent])


def all_message_ids() -> set[str]:
    ids = set(SYSTEM) | set(VOICE) | set(HANDOFF) | set(CANNED) | set(CLINICS) | set(EMERGENCY.values()) | set(EMERGENCY_BY_COUNTRY.values()) | set(GENERAL_ANSWERS.values())
    ids |= {mid for per_country in COUNTRY_ANSWERS.values() for mid in per_country.values()}
    ids |= set(MORE.values()) | set(LABEL_IDS) | set(VOICE_VARIANTS.values()) | {LAW_REVIEWED}
    return ids


# The clinic search by phone (bot/clinics/voice.py) says these, through their voice twins.
CLINICS_SPOKEN = [N_("clinic.sample"), N_("clinic.results"), N_("clinic.result"), N_("clinic.footer"),
                  N_("clinic.none_near"), N_("clinic.place_unknown")]


def spoken_ids() -> set[str]:
    """Every entry the phone line can say to a caller (webhook/voice.py), as spoken (after
    spoken_id): the voice prompts, every answer and emergency guidance of every country, the
    clinic search and the law's "last checked" note."""
    from bot.settings import COUNTRIES

    ids = set(VOICE) - {"voice.whisper"}  # the whisper is for the volunteer, not the caller
    ids |= {answer_id(topic, country) for topic in TOPICS for country in COUNTRIES}
    ids |= {emergency_id(intent, country) for intent in EMERGENCY for country in COUNTRIES}
    ids |= set(CLINICS_SPOKEN) | {LAW_REVIEWED}
    return {spoken_id(mid) for mid in ids}

from webhook.sms import (
    for_sms,
    for_whatsapp,
    is_gsm7,
    segment_count,
    split_sms,
    strip_spanish_accents,
)


def test_one_character_outside_gsm7_makes_the_whole_sms_ucs2():
    assert is_gsm7("Hola, ¿que tal? ñ é ü") and not is_gsm7("información")
    assert segment_count("a" * 160) == 1 and segment_count("a" * 161) == 2
    assert segment_count("á" * 70) == 1 and segment_count("á" * 71) == 2
    assert segment_count("ก" * 134) == 2  # Thai is always UCS-2: 67 per segment


def test_spanish_accents_can_be_dropped_as_people_text():
    assert strip_spanish_accents("información, ¿qué día? niño") == "informacion, ¿qué dia? niño"
    assert is_gsm7(strip_spanish_accents("Atención médica: aquí está la información"))


def test_no_body_exceeds_1600_characters():
    long_text = ("ข้อมูลสำคัญ " * 400).strip()
    parts = split_sms(long_text)
    assert len(parts) > 1 and all(len(p) <= 1600 for p in parts)
    assert "".join(p.replace(" ", "") for p in parts) == long_text.replace(" ", "")


def test_sms_formatting_uses_gsm7_punctuation_and_the_option():
    [body] = for_sms(["Lun–Vie 9:00 “sí”"], "es", ascii_spanish=True)
    assert body == 'Lun-Vie 9:00 "si"'


def test_whatsapp_bolds_a_heading_line():
    assert for_whatsapp(["Reply with a number:\n1 Rights"]) == ["*Reply with a number:*\n1 Rights"]


def test_long_thai_is_split_between_words_never_inside_a_cluster():
    import regex

    from bot.text import thai_words

    text = "ข้อมูลสำคัญเกี่ยวกับสิทธิของคุณ" * 120  # no spaces at all
    parts = split_sms(text)
    assert len(parts) == 3 and "".join(parts) == text and all(len(p) <= 1600 for p in parts)
    for part in parts[1:]:
        assert not regex.match(r"\p{M}", part)  # no vowel or tone mark without its consonant
        assert part.startswith(thai_words(part)[0]) and thai_words(part)[0] in thai_words(text[:40])


def test_flags_and_zwj_emoji_are_never_cut_in_two():
    for cluster in ("🇹🇭", "👩‍👩‍👧", "é", "ñ"):
        text = cluster * (2000 // len(cluster))
        parts = split_sms(text)
        assert "".join(parts) == text and all(len(p) % len(cluster) == 0 and len(p) <= 1600 for p in parts)


def test_no_typed_command_survives_as_a_command():
    from webhook.rasa_client import as_text

    for typed in ("/restart", "/ /restart", "/\t/emergency_medical", "//  /greet", '/ /emergency_medical{"x": 1}',
                  "  /nlu_fallback"):
        assert not as_text(typed).lstrip().startswith("/"), typed
    assert as_text("hola / adiós") == "hola / adiós"

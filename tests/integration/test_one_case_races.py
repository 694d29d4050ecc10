"""Two escalations of one person recorded at the same moment (webhook fallback
threads, the action server, a spool flush) must still make one open case."""
from __future__ import annotations

import threading

from bot.handoff import escalations


def _burst(sender, n, priorities):
    barrier = threading.Barrier(n)
    results = []

    def one(i):
        case = escalations.new_case(sender, priorities[i % len(priorities)], "request_human"
                                    if priorities[i % len(priorities)] == "normal" else "emergency_medical",
                                    "en", "sms", "US", f"message {i}")
        barrier.wait()
        results.append(escalations.record(case))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_simultaneous_records_for_one_person_make_one_open_case(redis_client):
    failures = []
    for attempt in range(30):
        sender = f"p_race_{attempt}"
        results = _burst(sender, 8, ["normal", "urgent"])
        open_ = [c for c in escalations.open_cases(1000) if c["sender"] == sender]
        lines = sum(len(__import__("json").loads(c["transcript"])) for c in open_)
        if len(open_) != 1 or lines != 8:
            failures.append((attempt, len(open_), lines, sorted(results),
                             [(c["priority"], c["state"]) for c in open_]))
    # summary: attempts that ended with more than one open case, or lines missing
    assert not failures, f"{len(failures)}/30 bursts broke the rule; first: {failures[0][:3]} priorities/states {failures[0][4]}"


def test_simultaneous_messages_while_rasa_is_down_make_one_case(phone, stack, roster, fake_twilio):
    """The real webhook: a person sends a burst while Rasa hangs; each request falls back
    after the reply timeout, at about the same moment, and records a case."""
    import os
    import signal

    from bot.store.privacy import pseudonymise
    from tests.integration.conftest import SignedPhone

    app_client = phone.client.application
    numbers = []
    os.kill(stack["rasa_process"].pid, signal.SIGSTOP)
    try:
        for round_ in range(3):
            number = f"+1555{(int.from_bytes(os.urandom(3), 'big') % 10**7):07d}"
            numbers.append(number)
            barrier = threading.Barrier(6)
            statuses = []

            def one(i, number=number, barrier=barrier, statuses=statuses):
                p = SignedPhone(app_client.test_client(), number)
                barrier.wait()
                statuses.append(len(p.text(f"please help me now, message {i}")))

            threads = [threading.Thread(target=one, args=(i,)) for i in range(6)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
    finally:
        os.kill(stack["rasa_process"].pid, signal.SIGCONT)
    counts = [len([c for c in escalations.open_cases(1000) if c["sender"] == pseudonymise(n)]) for n in numbers]
    assert counts == [1, 1, 1], counts

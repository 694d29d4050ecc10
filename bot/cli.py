"""`puente`: the operators' command line. Later features add their own subcommands here."""
from __future__ import annotations

import argparse
import json
import sys
import uuid


def _catalog(args) -> int:
    from bot.conversation import catalog

    if args.action == "compile":
        print("compiled:", ", ".join(catalog.compile_catalogs(force=True)) or "nothing")
    elif args.action == "update":
        from bot.conversation import review

        catalog.extract_and_update()
        print("flagged fuzzy (English changed since review):", review.flag_stale())
    elif args.action == "recordings":
        from bot.conversation import recordings

        print("wrote", recordings.write())
    else:
        from bot.conversation import review

        rows = review.status()
        if args.json:
            print(json.dumps([row.__dict__ for row in rows], ensure_ascii=False, indent=2))
            return 0
        names = {"": "all", "US": "US", "MX": "MX", "TH": "TH", "MY": "MY"}
        print(f"{'catalog':<8} {'translated':>11} {'reviewed':>9} {'fuzzy':>6}  complete  "
              + "  ".join(f"{n + ' reviewed':>13}" for n in names.values()))
        for row in rows:
            per = "  ".join(f"{'%d/%d' % (row.by_country.get(c, (0, 0, 0))[2], row.by_country.get(c, (0, 0, 0))[0]):>13}"
                            for c in names)
            print(f"{row.lang:<8} {row.translated:>5}/{row.total:<5} {row.reviewed:>4}/{row.total:<4} "
                  f"{len(row.fuzzy):>6}  {'yes' if row.complete else 'NO':<8}  {per}")
            if row.problem:
                print(f"         {row.problem}")
        if args.pending:
            for row in rows:
                for label, ids in (("need native-speaker review", row.pending),
                                   ("changed in English since their review (fuzzy)", row.fuzzy)):
                    if ids:
                        print(f"\n{row.lang}: {len(ids)} {label}")
                        for msgid in ids:
                            print("  ", msgid)
    return 0


def _train(args) -> int:
    from bot.understanding.training import train_if_needed

    print(train_if_needed(force=args.force))
    return 0


def _chat(args) -> int:
    """A terminal conversation through Rasa's channel, as the webhook would hold it."""
    import requests

    from bot.settings import get_settings, rasa_token

    url = get_settings().rasa_url.rstrip("/") + "/webhooks/puente/webhook"
    sender = args.sender or f"terminal-{uuid.uuid4().hex[:8]}"
    print("Puente. Write in English, Español, ไทย, Hmoob, Soomaali or اردو. Ctrl-D to leave.\n")
    for line in sys.stdin if not sys.stdin.isatty() else iter(lambda: input("you> "), None):
        try:
            answer = requests.post(url, json={"sender": sender, "message": line.rstrip("\n"),
                                              "metadata": {"channel": "terminal"}}, timeout=30,
                                   headers={"X-Puente-Token": rasa_token()})
            answer.raise_for_status()
        except requests.RequestException as error:
            print(f"(the assistant is not reachable: {error})")
            continue
        for message in answer.json():
            print("puente>", message.get("text", "").replace("\n", "\n        "), "\n")
    return 0


def _phone(args) -> int:
    """Plays a phone against the running webhook, with signed requests (no Twilio needed)."""
    from webhook.config import WebhookConfig
    from webhook.phone import Phone, interactive

    config = WebhookConfig.from_env()
    phone = Phone(args.url.rstrip("/"), config.public_url, config.auth_token, number=args.number)
    interactive(phone, args.channel)
    return 0


def _cases(args) -> int:
    from bot.handoff import escalations

    cases = escalations.open_cases()
    if args.json:
        for case in cases:
            case["notifications"] = json.loads(case.get("notifications") or "[]")
        print(json.dumps(cases, ensure_ascii=False, indent=2))
    else:
        for case in cases:
            print(f"{case['id']}  {case['priority']:<7} {case['language']:<4} {case['channel']:<9} "
                  f"{case['state']:<8} {case['reason']}")
    return 0


def _volunteers(args) -> int:
    from bot.handoff import volunteers

    if args.action == "add":
        password = None
        if args.password_prompt:
            import getpass

            password = getpass.getpass("password: ")
            if password != getpass.getpass("again: "):
                print("the passwords differ", file=sys.stderr)
                return 1
        try:
            added = volunteers.add(args.name, args.phone, args.languages, on_call=not args.off_call,
                                   role=args.role, password=password)
        except ValueError as error:
            print(error, file=sys.stderr)
            return 1
        print(f"added {added['id']} {added['name']} {added['phone_masked']}")
    elif args.action == "remove":
        if not volunteers.remove(args.id):
            print(f"no volunteer {args.id}", file=sys.stderr)
            return 1
        print(f"removed {args.id}")
    elif args.action == "seed":
        print(f"imported {volunteers.seed_from_config()} volunteers from the organisation config")
    else:
        people = [volunteers.public(v) for v in volunteers.list_all()]
        if args.json:
            print(json.dumps(people, ensure_ascii=False, indent=2))
        for v in people if not args.json else []:
            print(f"{v['id']}  {v['name']:<24} {v['phone_masked']:<14} {','.join(v['languages']):<14} "
                  f"{'on call' if v['on_call'] == '1' else 'off':<8} {v['role']}")
    return 0


def _notify(args) -> int:
    if args.action == "supervise":
        import logging

        from bot.handoff import supervise

        logging.basicConfig(level=logging.INFO)
        return supervise.run()
    from bot.handoff import notify

    print(f"enqueued notifications for {notify.sweep()} cases")
    return 0


def _forget(args) -> int:
    from bot.retention import forget
    from bot.store.privacy import pseudonymise

    sender = args.sender if args.pseudonymous else pseudonymise(args.sender)
    report = forget(sender)
    print(f"deleted for {sender}: " + ", ".join(f"{kind} {count}" for kind, count in report.items()))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="puente", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("catalog", help="message catalogs: status (default), update, compile, recordings "
                                       "(the manifest of voice messages to record for hmn so ur)")
    p.add_argument("action", nargs="?", default="status", choices=["status", "update", "compile", "recordings"])
    p.add_argument("--pending", action="store_true", help="list the entries that still need review")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_catalog)

    p = sub.add_parser("train", help="train the Rasa model unless it is up to date")
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=_train)

    p = sub.add_parser("chat", help="chat with the running assistant in this terminal")
    p.add_argument("--sender", help="conversation id (default: a new one)")
    p.set_defaults(func=_chat)

    p = sub.add_parser("phone", help="text or call the running webhook as a phone would (signed requests)")
    p.add_argument("--channel", choices=["sms", "whatsapp", "voice"], default="sms")
    p.add_argument("--number", default="+15550123", help="the caller's number (default: a fictional one)")
    p.add_argument("--url", default="http://127.0.0.1:8000", help="where the webhook listens")
    p.set_defaults(func=_phone)

    p = sub.add_parser("cases", help="escalated cases")
    p.add_argument("action", nargs="?", default="list", choices=["list"])
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cases)

    p = sub.add_parser("volunteers", help="the volunteer roster: list (default), add, remove")
    vsub = p.add_subparsers(dest="action")
    p.set_defaults(func=_volunteers, action="list", json=False)
    v = vsub.add_parser("list", help="volunteers with masked numbers")
    v.add_argument("--json", action="store_true")
    v = vsub.add_parser("add", help="add a volunteer")
    v.add_argument("name")
    v.add_argument("--phone", required=True)
    v.add_argument("--languages", required=True, help="comma-separated codes: en es th hmn so ur")
    v.add_argument("--role", choices=["volunteer", "coordinator", "admin", "reviewer"], default="volunteer")
    v.add_argument("--password-prompt", action="store_true", help="set a console password (asked, never an argument)")
    v.add_argument("--off-call", action="store_true")
    v = vsub.add_parser("remove", help="remove a volunteer by id")
    v.add_argument("id")
    vsub.add_parser("seed", help="import the organisation config's volunteers into an empty roster (once)")

    p = sub.add_parser("notify", help="volunteer notifications")
    p.add_argument("action", choices=["sweep", "supervise"],
                   help="sweep: enqueue waiting cases that have no notification yet; "
                        "supervise: run the notification worker and restart it whenever it dies or stops scheduling")
    p.set_defaults(func=_notify)

    from bot.clinics.cli import add_parser as add_clinics
    add_clinics(sub)

    p = sub.add_parser("forget", help="delete what is kept about one sender (a phone number or id)")
    p.add_argument("sender")
    p.add_argument("--pseudonymous", action="store_true", help="SENDER is already a pseudonymous id")
    p.set_defaults(func=_forget)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

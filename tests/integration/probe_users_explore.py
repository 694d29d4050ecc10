from bot.conversation.catalog import render
from bot.conversation.dialogue import Dialogue
from bot.settings import get_settings
from bot.store import storage
from bot.store.privacy import pseudonymise


def show(label, phone, text, channel="sms"):
    out = phone.text(text, channel=channel)
    prof = storage.load_profile(pseudonymise(f"whatsapp:{phone.number}" if channel == "whatsapp" else phone.number))
    print(f"\n>>> [{label}] {text!r}  profile={prof.get('language')}/{prof.get('script')}")
    for m in out:
        print("   <", m[:260].replace("\n", " | "))


def test_explore(phone, roster):
    seq = ["assalam o alaikum", "mere bhai ko ICE ne detain kar liya hai, usko lawyer chahiye",
           "more", "menu", "0", "mujhe apne rights ke bare mein batao", "مجھے وکیل چاہیے", "more info", "main menu",
           "menu", "My brother was detained yesterday, how can I find him?", "menu",
           "bhai ka pata kaise karoon", "language", "7", "covid ke symptoms kya hain"]
    for t in seq:
        show("A", phone, t, channel="whatsapp")

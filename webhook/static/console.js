// The console's only script (the Content-Security-Policy allows no inline script).

// New cases and messages appear without reloading: each [data-poll] block is refetched.
for (const el of document.querySelectorAll("[data-poll]")) {
  setInterval(async () => {
    try {
      const r = await fetch(el.dataset.poll, {credentials: "same-origin"});
      if (r.ok) { const html = await r.text(); if (html !== el.innerHTML) el.innerHTML = html; }
    } catch (e) { /* offline for a moment: try again next tick */ }
  }, 2000);
}

// A canned reply fills the reply box of its form.
document.addEventListener("click", (event) => {
  const chip = event.target.closest("[data-fill]");
  if (chip && chip.form) chip.form.text.value = chip.dataset.fill;
});

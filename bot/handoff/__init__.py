"""Hand-off to people: cases, escalations, volunteer notifications, the roster and the take-over."""

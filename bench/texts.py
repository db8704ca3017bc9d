"""Comment texts for benchmark discussions: Markdown of realistic lengths, the same for both projects."""

import random

SENTENCES = [
    "I read the whole report and the figures in the third paragraph do not add up.",
    "This is exactly what the ministry said last spring, almost word for word.",
    "Has anyone asked the people who actually live there what they think?",
    "The *timing* of this announcement is no accident.",
    "Thanks for the clear explanation, it helped me understand the background.",
    "You are mixing up two different agreements here.",
    "The original source is worth reading: https://example.org/reports/2024/truce-terms",
    "We have heard promises like this **many** times before.",
    "I disagree, and I think the article explains why quite well.",
    "Could the editors add a map? It is hard to follow which towns are meant.",
    "My grandparents were born in that region, so this matters to me.",
    "That is a fair point, but it ignores the economic side entirely.",
    "Numbers from a single survey are not enough to draw conclusions.",
    "Interesting that nobody mentions the elections next year.",
    "The interview at the end says more than the rest of the piece.",
    "Source? I could not find that claim anywhere else.",
]
QUOTES = [
    "> The talks will resume next week.",
    "> Both sides agreed to the terms in principle.",
    "> No date has been set.",
]


def make_bodies(count: int = 60, seed: int = 7) -> list[str]:
    """Bodies from one line to a few paragraphs, some with a quote, a link, emphasis or a list."""
    rng = random.Random(seed)
    bodies = []
    for _ in range(count):
        paragraphs = []
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            paragraphs.append(" ".join(rng.sample(SENTENCES, rng.randint(1, 4))))
        if rng.random() < 0.15:
            paragraphs.insert(0, rng.choice(QUOTES))
        if rng.random() < 0.08:
            paragraphs.append("- first point\n- second point\n- third point")
        bodies.append("\n\n".join(paragraphs))
    return bodies

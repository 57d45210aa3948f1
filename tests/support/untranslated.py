"""English sentences of the message catalog, and finding them in what a page shows."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from babel.messages.pofile import read_po

POT = Path(__file__).resolve().parents[2] / "app" / "i18n" / "messages.pot"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
SENTENCE_END = re.compile(r"(?<=[.:?!;])\s+")
TAG = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.S)
SHOWN_ATTRS = re.compile(r'\b(?:aria-label|alt|title|placeholder|content)="([^"]*)"')
WORDS = re.compile(r'data-words="([^"]*)"')


def english_sentences() -> list[str]:
    """Each catalog entry's sentences, and their fixed parts of three words or more between
    placeholders."""
    found = set()
    for message in read_po(POT.open("rb")):
        for text in message.id if isinstance(message.id, tuple) else [message.id]:
            for sentence in SENTENCE_END.split(text or ""):
                for part in PLACEHOLDER.split(sentence):
                    part = part.strip(" .,:;·")
                    if len(part.split()) >= 3:
                        found.add(part)
    return sorted(found)


SENTENCES = english_sentences()


def shown_text(page: str) -> str:
    """What a customer reads or hears on the page, and what its scripts may show."""
    parts = [TAG.sub(" ", page)]
    parts += SHOWN_ATTRS.findall(page)
    for words in WORDS.findall(page):
        catalog = json.loads(html.unescape(words))
        parts += catalog["words"].values()
        parts += [t for forms in catalog["plurals"].values() for t in forms.values()]
        parts += catalog.get("places", {}).values()
    return " ".join(html.unescape(" ".join(parts)).split())


def english_in(text: str) -> list[str]:
    return [s for s in SENTENCES if s in text]

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


def page_word_sentences() -> list[str]:
    """The English of the words the customer page's scripts build (app/i18n/page_words.py),
    read from the code, not from the catalog: a word the extraction missed (an outside check
    found "The driver has 13 stops before yours" on a Finnish page) is still looked for."""
    from app.i18n.page_words import page_words

    words = page_words("en")
    texts = list(words["words"].values())
    texts += [t for forms in words["plurals"].values() for t in forms.values()]
    return [part.strip(" .,:;·") for text in texts for sentence in SENTENCE_END.split(text)
            for part in re.split(r"\{\w+\}", sentence) if len(part.split()) >= 3]


SENTENCES = sorted(set(english_sentences()) | set(page_word_sentences()))


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

"""Readability scores of a text, computed by textstat, in the leaflet's language where textstat supports it.

- Flesch reading ease (0–100, higher is easier), with textstat's constants for the language where it has
  them: English, German (Amstad), Spanish (Fernández Huerta), French, Italian (Flesch–Vacca), Dutch
  (Douma), Russian and Hungarian.
- Flesch–Kincaid grade and SMOG: US school grades, made for English; they are left out for other languages.
- SMOG only for a text of 30 sentences or more: McLaughlin defined it on a sample of 30 sentences. On a
  shorter text textstat scales the count of long words up to 30 sentences: a guess, not a grade to judge by.
- Any other language has no readability formula here (textstat counts syllables by hyphenation patterns and
  English rules, and has no constants for it): no score is made up, and `no_formula` says so in words.
- The length is counted in words, but in characters for Chinese and Japanese (no spaces between words).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from textstat.textstat import textstatistics

from .prose import Passage, length, sentences, unit

EASE_LANGUAGES = {"en", "de", "es", "fr", "it", "nl", "ru", "hu"}  # textstat's reading-ease constants
GRADE_LANGUAGES = {"en"}  # Flesch–Kincaid and SMOG are English formulas
SMOG_SENTENCES = 30  # the smallest sample SMOG is defined for
NAMES = {  # languages by their primary subtag, for saying which one has no formula (else the tag is named)
    "am": "Amharic", "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "cs": "Czech", "cy": "Welsh",
    "da": "Danish", "de": "German", "el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian",
    "fa": "Persian", "fi": "Finnish", "fr": "French", "ga": "Irish", "gu": "Gujarati", "he": "Hebrew",
    "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "hy": "Armenian", "it": "Italian", "ja": "Japanese",
    "ko": "Korean", "ku": "Kurdish", "lt": "Lithuanian", "lv": "Latvian", "ml": "Malayalam", "mr": "Marathi",
    "nb": "Norwegian Bokmål", "ne": "Nepali", "nl": "Dutch", "nn": "Norwegian Nynorsk", "no": "Norwegian",
    "pa": "Punjabi", "pl": "Polish", "ps": "Pashto", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "sk": "Slovak", "sl": "Slovenian", "so": "Somali", "sq": "Albanian", "sr": "Serbian", "sv": "Swedish",
    "sw": "Swahili", "ta": "Tamil", "te": "Telugu", "th": "Thai", "ti": "Tigrinya", "tl": "Tagalog",
    "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese", "yi": "Yiddish", "yo": "Yoruba",
    "yue": "Cantonese", "zh": "Chinese",
}


@dataclass(frozen=True)
class Scores:
    """Readability of one text. A score is None when it can't be computed for the text's language."""

    words: int  # the length, in `unit`
    sentences: int
    ease: float | None  # Flesch reading ease
    grade: float | None  # Flesch–Kincaid grade
    smog: float | None  # None too for a text of fewer than SMOG_SENTENCES sentences
    unit: str = "words"  # "characters" for Chinese and Japanese

    def as_dict(self) -> dict:
        return {"words": self.words, "unit": self.unit, "sentences": self.sentences,
                "flesch_reading_ease": _round(self.ease), "flesch_kincaid_grade": _round(self.grade),
                "smog": _round(self.smog)}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def language(lang: str) -> str:
    """The primary language subtag of a BCP 47 tag: "en-GB" → "en"."""
    return lang.split("-")[0].lower()


@lru_cache(maxsize=16)
def _meter(lang: str) -> textstatistics | None:
    """A textstat instance set to the language (its own, so leaflets in different languages don't share
    textstat's global setting); None if textstat has no syllable rules for it."""
    meter = textstatistics()
    try:
        meter.set_lang(lang.replace("-", "_"))
        meter.syllable_count("test")  # loads the hyphenation dictionary: fails here for an unknown language
    except (KeyError, ValueError, OSError):
        return None
    return meter


def has_formula(lang: str) -> bool:
    """Whether there is a readability formula for the language `lang` (textstat's reading ease)."""
    return language(lang) in EASE_LANGUAGES and _meter(lang) is not None


def no_formula(lang: str) -> str | None:
    """None when the language has a readability formula; else the plain words saying it has none."""
    if has_formula(lang):
        return None
    root = language(lang)
    name = NAMES.get(root)
    return f"no readability formula for {name} ({lang})" if name else f'no readability formula for "{lang}"'


def score(text: str, lang: str) -> Scores:
    """Score `text` (plain prose, one sentence per full stop) written in the language `lang`."""
    words = length(text, lang)
    count = len(sentences(Passage(text, 1)))
    root = language(lang)
    meter = _meter(lang) if root in EASE_LANGUAGES else None
    if meter is None or not words:
        return Scores(words, count, None, None, None, unit(lang))
    english = root in GRADE_LANGUAGES
    return Scores(words, count, meter.flesch_reading_ease(text),
                  meter.flesch_kincaid_grade(text) if english else None,
                  meter.smog_index(text) if english and count >= SMOG_SENTENCES else None, unit(lang))


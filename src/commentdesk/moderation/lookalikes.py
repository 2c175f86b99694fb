"""The one table of look-alike characters: letters of other scripts that render like Latin ones,
and digits and symbols read as letters ("leetspeak").

The rules' normaliser (moderation/normalize.py) reads it. The abuse model's lexical features keep
the table their shipped weights were trained with, frozen under a version name
(`models/abuse.LEXICAL_NORMALISER`); the next retraining can move them onto this table.
"""

from __future__ import annotations

# Look-alike letters from other scripts (Cyrillic, Greek, IPA, small capitals) and a few Latin
# letters that readers take for plain ones.
CONFUSABLES = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "һ": "h",
        "ո": "n",
        "ѵ": "v",
        "ɡ": "g",
        "ı": "i",
        "ɑ": "a",
        "α": "a",
        "ε": "e",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ϲ": "c",
        "ʏ": "y",
        "ʜ": "h",
        "ɪ": "i",
        "ʟ": "l",
        "ɴ": "n",
        "ʀ": "r",
        "ꜱ": "s",
        "ᴀ": "a",
        "ᴄ": "c",
        "ᴅ": "d",
        "ᴇ": "e",
        "ᴋ": "k",
        "ᴍ": "m",
        "ᴏ": "o",
        "ᴘ": "p",
        "ᴛ": "t",
        "ᴜ": "u",
        "ᴠ": "v",
        "ᴡ": "w",
        "ᴢ": "z",
        "ß": "ss",
        "ø": "o",
        "ł": "l",
        "đ": "d",
    }
)
# Digits and symbols read as letters.
LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "9": "g",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
        "+": "t",
        "€": "e",
        "£": "l",
    }
)
# Typographic apostrophes, which phones type: the rules' phrase patterns are written with "'"
# ("i'll kill"). Not letters, so kept apart from the letter tables above.
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})

"""Small pieces of English every view needs: a count with its noun in the right
number, and a sentence closed by exactly one full stop.

Shared by the terminal, the app and the reports, so that none of them writes
"rule(s)" or ends a citation that already ends in a full stop with another one.
"""

from __future__ import annotations

# Nouns whose plural is not the singular with an s.
_IRREGULAR = {"analysis": "analyses", "hypothesis": "hypotheses"}


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``noun`` in the number ``count`` asks for: 'rule' for 1, 'rules' otherwise."""
    if count == 1:
        return noun
    return plural_form or _IRREGULAR.get(noun) or noun + "s"


def counted(count: int, noun: str, plural_form: str | None = None) -> str:
    """'1 rule', '2 rules', '12,768 ties': the count and its noun agreeing."""
    return f"{count:,} {plural(count, noun, plural_form)}"


def closed(text: str) -> str:
    """``text`` as a sentence ending in one full stop: one is added unless it already
    ends in a stop, a question or an exclamation mark ('Walt, Stephen M.' stays as
    it is; 'Walt 1987' becomes 'Walt 1987.')."""
    text = text.rstrip()
    if not text or text.endswith((".", "?", "!")):
        return text
    return text + "."


def unclosed(text: str) -> str:
    """``text`` without the one full stop that may end it, to go on in the same sentence
    ('... 211-233.' before a colon or a semicolon becomes '... 211-233')."""
    text = text.rstrip()
    return text[:-1] if text.endswith(".") and not text.endswith("..") else text

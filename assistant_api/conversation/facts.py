"""Answer a question about an institution just named, from its record.

"Do they speak Arabic?", "what papers do I bring?": the answer is what the record says, as a
quoted excerpt of the source (the record's text is French), framed in the asker's language, with
the record's citation; when the record says nothing, the answer says so and gives the number to
ask. Nothing is guessed.
"""

from __future__ import annotations

from assistant_api.conversation.lexicon import FactField, LanguageFrames
from ingest import Institution

__all__ = ["contact_text", "fact_text", "record_value"]

#: Isolates a value (a number, a French excerpt) inside right-to-left text (U+2068 … U+2069).
_FSI, _PDI = "\u2068", "\u2069"


def record_value(record: Institution, field: FactField) -> str | None:
    """What the record says about ``field``, or None when it says nothing."""
    if field == "languages":
        return ", ".join(record.languages) or None
    if field == "documents":
        return record.application
    if field == "fees":
        return record.fees
    if field == "hours":
        return record.hours
    if field == "phone":
        numbers = [f"{p.number} ({p.label})" if p.label else p.number for p in record.phones]
        return " · ".join(numbers) or None
    lines = []
    for location in record.locations:
        street = ", ".join(part for part in (location.street, location.po_box) if part)
        place = " ".join(part for part in (location.postal_code, location.commune) if part)
        lines.append(", ".join(part for part in (location.name, street, place) if part))
    return " · ".join(lines) or None


def fact_text(
    record: Institution, field: FactField, frames: LanguageFrames, *, marks: str = ""
) -> str:
    """The answer's markdown: the frame sentence, then the record's words quoted."""
    value = record_value(record, field)
    if value is None:
        text = frames.fact_missing.format(name=record.name)
        phone = record_value(record, "phone")
        if field != "phone" and phone:
            text += f"\n\n**{frames.labels['phone']}**: {_FSI}{phone}{_PDI}"
        return text
    quoted = value if field in {"phone", "address"} else f"« {value} »"
    lead = frames.fact_lead.format(name=record.name)
    return f"{lead}\n\n**{frames.labels[field]}**: {_FSI}{quoted}{_PDI}{marks}"


def contact_text(record: Institution, frames: LanguageFrames, *, marks: str = "") -> str:
    """How to reach ``record`` ("and the other one?"): its phones and addresses as the record
    gives them; when it has neither, the frame says the record has nothing on it."""
    lines = [
        f"**{frames.labels[field]}**: {_FSI}{value}{_PDI}"
        for field in ("phone", "address")
        if (value := record_value(record, field)) is not None
    ]
    if not lines:
        return frames.fact_missing.format(name=record.name)
    lead = frames.fact_lead.format(name=record.name)
    return f"{lead}\n\n" + "\n".join(lines) + marks

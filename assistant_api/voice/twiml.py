"""A tiny TwiML writer (the XML that Twilio-style platforms execute during a call).

Built with ElementTree so that transcripts and answers are always escaped; only the verbs the
hotline uses. Reference: Twilio's TwiML voice verbs (Say, Play, Gather, Record, Dial,
Redirect, Hangup).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

__all__ = ["TwiML"]


class TwiML:
    """One ``<Response>``; verbs are appended in the order the call executes them."""

    def __init__(self) -> None:
        self.root = ET.Element("Response")

    def say(
        self, text: str, language: str | None = None, *, parent: ET.Element | None = None
    ) -> None:
        attrs = {"language": language} if language else {}
        ET.SubElement(self.root if parent is None else parent, "Say", attrs).text = text

    def play(self, url: str, *, parent: ET.Element | None = None) -> None:
        ET.SubElement(self.root if parent is None else parent, "Play").text = url

    def gather(self, action: str, *, num_digits: int = 1, timeout: int = 6) -> ET.Element:
        return ET.SubElement(
            self.root,
            "Gather",
            {
                "input": "dtmf",
                "numDigits": str(num_digits),
                "timeout": str(timeout),
                "action": action,
                "method": "POST",
            },
        )

    def record(
        self, action: str, *, max_length: int, timeout: int = 4, finish_on_key: str = "#0"
    ) -> None:
        """Record the caller; pressing one of ``finish_on_key`` ends it (the action then
        receives ``Digits``: "0" asks for a person)."""
        ET.SubElement(
            self.root,
            "Record",
            {
                "action": action,
                "method": "POST",
                "maxLength": str(max_length),
                "timeout": str(timeout),
                "finishOnKey": finish_on_key,
                "playBeep": "true",
                "trim": "trim-silence",
            },
        )

    def redirect(self, url: str) -> None:
        ET.SubElement(self.root, "Redirect", {"method": "POST"}).text = url

    def dial(self, number: str, *, action: str | None = None) -> None:
        """Connect the caller to ``number``; with ``action``, the platform posts the outcome
        (``DialCallStatus``) there when the call ends, and the flow goes on."""
        attrs = {"action": action, "method": "POST"} if action else {}
        ET.SubElement(self.root, "Dial", attrs).text = number

    def hangup(self) -> None:
        ET.SubElement(self.root, "Hangup")

    def render(self) -> str:
        return '<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(self.root, encoding="unicode")

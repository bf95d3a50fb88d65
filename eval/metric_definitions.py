"""What each metric of a report means, in words an evaluator reads without the source.

One table for the HTML report's labels, column headers, tooltips and "Definitions" section, so
a metric is never named one way in a table and defined another way below it. Each definition
says which questions the figure is computed over: that set is the metric's n (``n:<metric>``
in ``report.json``, computed by :func:`eval.metrics.compute_metrics`). docs/evaluation.md has
the formal notation; ``tests/eval/test_html_report.py`` checks that every metric the suite can
compute has an entry here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "BREAKDOWN_DESCRIPTIONS",
    "METRIC_DEFINITIONS",
    "N_DEFINITION",
    "MetricDefinition",
    "metric_label",
]


@dataclass(frozen=True, slots=True)
class MetricDefinition:
    """A metric's human name (table labels) and one sentence saying what it measures.

    ``short``: the name in a column header, where a dozen metrics share 1,280 px; the label
    when not given.
    """

    label: str
    definition: str
    short: str = ""

    @property
    def header(self) -> str:
        return self.short or self.label


_D = MetricDefinition

#: Code name → label and definition, in the order the "Definitions" section lists them.
METRIC_DEFINITIONS: Mapping[str, MetricDefinition] = MappingProxyType(
    {
        "hit@1": _D(
            "Hit@1",
            "Share of retrieval questions whose first returned institution is an acceptable "
            "one; a question that got no answer counts as a miss.",
        ),
        "hit@3": _D(
            "Hit@3",
            "Share of retrieval questions with an acceptable institution among the first three "
            "returned (three cards is what a person sees); a question that got no answer counts "
            "as a miss.",
        ),
        "mrr": _D(
            "Mean reciprocal rank (MRR@3)",
            "Average over retrieval questions of 1 / the rank of the first acceptable "
            "institution (1, 1/2 or 1/3), counting 0 when none of the first three is acceptable.",
            short="MRR@3",
        ),
        "citation_validity": _D(
            "Citation validity",
            "Among answers that carry a citation or a [n] marker, the share where every marker "
            "points to an existing citation and every cited document belongs to an institution "
            "the answer names (or to no institution).",
        ),
        "harmful_referrals": _D(
            "Harmful referrals",
            "Number of questions asked in a role (victim, perpetrator, a parent or professional "
            "for one of them) with a service aimed at the opposite role among the first three "
            "returned, such as the perpetrators' service for a victim; over the questions whose "
            "gold lists such services. The target is 0.",
            short="Harmful",
        ),
        "kind_accuracy": _D(
            "Answer-kind accuracy",
            "Share of answered questions whose answer kind (orientation, emergency, out of "
            "scope, no answer) is the kind the gold expects.",
            short="Kind accuracy",
        ),
        "emergency_recall": _D(
            "Emergency recall",
            "Among answered questions the gold marks as emergencies, the share answered as an "
            "emergency.",
        ),
        "emergency_precision": _D(
            "Emergency precision",
            "Among answers given as an emergency, the share whose question the gold marks as an "
            "emergency.",
        ),
        "emergency_false_alarm_rate": _D(
            "Emergency false-alarm rate",
            "Among answered questions the gold does not mark as emergencies, the share answered "
            "as an emergency (the red banner and emergency numbers for an ordinary question); "
            "lower is better.",
            short="False alarms",
        ),
        "emergency_follow_up": _D(
            "Emergency follow-up",
            "Among questions the gold marks as emergencies and whose acceptable institutions "
            "include a service besides the emergency lines (victim support after violence, the "
            "psychiatric emergency after suicidal talk, child protection), the share whose "
            "answer lists one of those services, anywhere after the numbers. The target is 1.",
            short="Follow-up",
        ),
        "out_of_scope_accuracy": _D(
            "Out-of-scope accuracy",
            "Among answered questions the gold marks as outside social services, the share the "
            "assistant declined as out of scope.",
        ),
        "no_answer_rate": _D(
            "No-answer rate",
            "Share of answered questions where the assistant said it had no specific answer; "
            "lower is better, since the gold rarely expects it.",
        ),
        "no_answer_recall": _D(
            "No-answer recall",
            "Among answered questions for which the gold expects no specific answer, the share "
            "answered that way.",
        ),
        "language_match": _D(
            "Answer language",
            "Share of answered questions whose answer is in the language the question was "
            "written (or spoken) in.",
        ),
        "language_purity": _D(
            "Answer language purity",
            "Share of an answer's own prose lines (names, quoted source excerpts, addresses, "
            "links, e-mails and numbers taken out; lines of fewer than three words left out) "
            "that the language identifier assigns to the question's language; mean over "
            "orientation answers with at least one prose line.",
            short="Purity",
        ),
        "answer_words_p50": _D(
            "Answer length (median words)",
            "Median number of words (letters only, so numbers and [n] markers do not count) of "
            "the orientation answers.",
            short="Words p50",
        ),
        "actionable_rate": _D(
            "Actionable rate",
            "Among retrieval questions with an acceptable institution in the first three, the "
            "share where the first acceptable one's card shows a phone, or an address with "
            "opening hours.",
            short="Actionable",
        ),
        "first_right_without_phone": _D(
            "First right institution without a phone",
            "Number of retrieval questions whose first acceptable institution (in the first "
            "three) shows no phone number at all: the list the facts work looks for numbers for.",
            short="No phone",
        ),
        "context_precision": _D(
            "Context precision (text)",
            "Average precision of the cited snippets, a snippet being relevant when its "
            "Levenshtein similarity to a reference context reaches 0.5 (ragas, no LLM); mean "
            "over answered questions that have reference contexts.",
        ),
        "context_recall": _D(
            "Context recall (text)",
            "Share of a question's reference contexts that some cited snippet resembles with a "
            "Levenshtein similarity above 0.5 (ragas, no LLM); mean over answered questions that "
            "have reference contexts.",
        ),
        "id_context_precision": _D(
            "Context precision (institutions)",
            "Share of the distinct institutions behind the cited documents that are acceptable "
            "for the question (0 when nothing is cited); mean over answered retrieval questions.",
        ),
        "id_context_recall": _D(
            "Context recall (institutions)",
            "Share of the question's acceptable institutions found among the institutions "
            "behind the cited documents; mean over answered retrieval questions.",
        ),
        "string_similarity": _D(
            "Answer–reference similarity",
            "1 − normalised Levenshtein distance between the answer and its reference contexts "
            "joined, a weak signal since answers are longer and in the asker's language; mean "
            "over answered questions with reference contexts and a non-empty answer.",
        ),
        "faithfulness": _D(
            "Faithfulness (LLM-judged)",
            "Share of an answer's factual claims that its cited snippets support, according to "
            "an LLM judge; mean over the answers with a snippet that the judge could score.",
            short="Faithfulness",
        ),
        "answer_relevancy": _D(
            "Answer relevancy (LLM-judged)",
            "An LLM judge's 0–1 rating of how well the answer addresses the question; mean over "
            "the scored answers to questions that are not out of scope.",
            short="Relevancy",
        ),
        "latency_p50_ms": _D(
            "Latency p50 (ms)",
            "Median time from sending a question to getting its answer back, in milliseconds "
            "(nearest rank), over answered questions.",
            short="p50 ms",
        ),
        "latency_p95_ms": _D(
            "Latency p95 (ms)",
            "Time within which 95 % of the answered questions came back, in milliseconds "
            "(nearest rank).",
            short="p95 ms",
        ),
        "wer": _D(
            "Word error rate (spoken)",
            "Word-level edit distance between the speech transcript and the gold question, "
            "divided by the question's word count (case, punctuation and accents ignored; can "
            "exceed 1); mean over answered spoken questions.",
            short="WER",
        ),
        "heard_language_match": _D(
            "Heard language (spoken)",
            "Share of answered spoken questions for which speech recognition identified the "
            "question's language.",
            short="Heard language",
        ),
        "errors": _D(
            "Errors",
            "Questions for which no answer came back (HTTP error, exception): misses for hit@k "
            "and MRR, left out of every rate over answers.",
        ),
        "questions": _D(
            "Questions",
            "Questions asked in this group; the headline and the breakdowns other than channel "
            "count typed questions only.",
        ),
        "retrieval_questions": _D(
            "Retrieval questions",
            "Questions with acceptable institutions that expect an orientation, an emergency or "
            "a no-answer referral: the questions hit@k and MRR are computed over.",
        ),
    }
)

#: What the small "n=" under every figure means.
N_DEFINITION = (
    "Number of questions a figure is computed over (its denominator, or the questions that "
    "have a score for a mean); a figure with n=0 shows “—”: nothing to measure, not zero."
)

#: Breakdown name (a gold question attribute) → what its groups are.
BREAKDOWN_DESCRIPTIONS: Mapping[str, str] = MappingProxyType(
    {
        "language": "Groups: the gold language of the question.",
        "language_group": (
            "Groups: French questions and all other languages (the documents are in French, "
            "so the others are answered across languages)."
        ),
        "category": "Groups: the social-services category of the gold question.",
        "kind": "Groups: the answer kind the gold expects.",
        "channel": "Groups: typed (text) and spoken (voice) questions.",
        "role": (
            "Groups: who asks, when the question is about roles (victim, perpetrator, parent, "
            "professional, relative); none for the others."
        ),
    }
)


def metric_label(metric: str) -> str:
    """The human name of ``metric``; its code name when the table has none."""
    found = METRIC_DEFINITIONS.get(metric)
    return found.label if found is not None else metric

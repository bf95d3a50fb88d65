"""The call flow's state machine: one row per transition rule, and every state stepped with
every kind of event (the flow is total), with the rules that hold everywhere."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from assistant_api.voice.call_actions import (
    Action,
    Dial,
    DiscardAnswer,
    Gather,
    Hangup,
    Play,
    Record,
    Redirect,
    Say,
    SendSms,
)
from assistant_api.voice.call_events import (
    EVENTS,
    STATES,
    Call,
    CallContext,
    DialEnded,
    Digit,
    Event,
    Failure,
    Heard,
    NoInput,
    SmsOutcome,
    State,
    Timeout,
)
from assistant_api.voice.call_flow import LANGUAGE_KEYS, MAX_TIMEOUTS, step

pytestmark = pytest.mark.unit

HANDOFF = "+41 00 000 00 01"
EN = CallContext(language="en")
STAFFED = replace(EN, handoff_number=HANDOFF, handoff_staffed=True)
UNSTAFFED = replace(EN, handoff_number=HANDOFF, handoff_staffed=False)
SMS = replace(EN, sms=True)
URGENT = replace(EN, transfer=("117", "144"), follow=True)
URGENT_ALONE = replace(EN, transfer=("144",), follow=False)
DANGER = replace(EN, connect="117")

QUEUE = ["Gather(key/queue)[Say:queue:en]", "Redirect(key/queue)"]
TRANSFER = [f"Say:handoff:en:{HANDOFF}", f"Dial:{HANDOFF}(dialed/transfer)"]
MENU = ["Gather(key/menu)[Play:menu]", "Record(recording/menu)"]
ASK_EN = ["Say:ask:en", "Record(recording/ask)"]
OFFER = ["Gather(key/answered)[Play:offer]", "Redirect(key/answered)"]
ANSWER = ["Gather(key/answered)[Play:answer]", "Redirect(key/answered)"]
EMERGENCY = ["Gather(key/emergency)[Play:answer]", "Dial:117(dialed/emergency)"]
CONFIRM = ["Gather(key/confirm)[Play:confirm]", "Redirect(key/confirm)"]
GUESS = Heard("question", "en", "orientation", confirm=True)
GOODBYE = ["Say:goodbye:en", "Hangup"]


def _show(action: Action) -> str:
    """A compact, exact writing of an action."""
    match action:
        case Say(prompt, language, number):
            return f"Say:{prompt}:{language}" + (f":{number}" if number else "")
        case Play(part):
            return f"Play:{part}"
        case Gather(target, children, _timeout):
            inner = ",".join(_show(c) for c in children)
            return f"Gather({target.webhook}/{target.state})[{inner}]"
        case Record(target):
            return f"Record({target.webhook}/{target.state})"
        case Dial(number, target):
            return f"Dial:{number}({target.webhook}/{target.state})"
        case Redirect(target):
            return f"Redirect({target.webhook}/{target.state})"
        case Hangup():
            return "Hangup"
        case SendSms():
            return "SendSms"
        case DiscardAnswer():
            return "DiscardAnswer"
    raise AssertionError(action)


TRANSITIONS = [
    # ---- a call arrives: greeting and menu (two prompts), then the caller speaks
    pytest.param(
        "start",
        Call(),
        EN,
        "menu",
        ["Gather(key/menu)[Say:greeting:fr,Play:menu]", "Record(recording/menu)"],
        id="start-call",
    ),
    pytest.param("answered", Call(), EN, "menu", None, id="any-call-restarts"),
    # ---- menu
    *(
        pytest.param(
            "menu",
            Digit(key),
            CallContext(),
            "ask",
            [f"Say:ask:{lang}", "Record(recording/ask)"],
            id=f"menu-key-{key}-{lang}",
        )
        for key, lang in LANGUAGE_KEYS.items()
    ),
    pytest.param("menu", Digit("0"), UNSTAFFED, "queue", QUEUE, id="menu-0-nobody-staffed"),
    pytest.param("menu", Digit("0"), STAFFED, "transfer", TRANSFER, id="menu-0-staffed"),
    pytest.param("menu", Digit("8"), EN, "menu", ["Say:invalid_key:en", *MENU], id="menu-invalid"),
    pytest.param("menu", Digit("*"), EN, "menu", ["Say:invalid_key:en", *MENU], id="menu-star"),
    pytest.param(
        "menu", Heard("question", "tr", "orientation"), EN, "answered", ANSWER, id="menu-question"
    ),
    pytest.param(
        "menu",
        Heard("question", "en", "emergency"),
        URGENT,
        "emergency",
        EMERGENCY,
        id="menu-emergency-transfer-first",
    ),
    pytest.param(
        "menu",
        Heard("question", "en", "emergency"),
        EN,
        "answered",
        ANSWER,
        id="menu-emergency-without-numbers",
    ),
    pytest.param(
        "menu",
        Heard("language", "de"),
        EN,
        "ask",
        ["Say:ask:de", "Record(recording/ask)"],
        id="menu-said-a-language",
    ),
    pytest.param("menu", Heard("person", "en"), UNSTAFFED, "queue", QUEUE, id="menu-said-person"),
    pytest.param(
        "menu", NoInput(), EN, "menu", ["Say:not_understood:en", *MENU], id="menu-silence-retry"
    ),
    pytest.param(
        "menu", NoInput(), replace(UNSTAFFED, attempt=2), "queue", QUEUE, id="menu-silence-twice"
    ),
    pytest.param("menu", Timeout(), EN, "menu", MENU, id="menu-timeout"),
    pytest.param(
        "menu", Failure(), UNSTAFFED, "queue", ["Say:unavailable:en", *QUEUE], id="menu-failure"
    ),
    pytest.param("menu", SmsOutcome(True), EN, "menu", MENU, id="menu-stray-event"),
    # ---- ask (language known, recording)
    pytest.param("ask", Digit("0"), STAFFED, "transfer", TRANSFER, id="ask-0"),
    pytest.param("ask", Digit("#"), EN, "ask", ASK_EN, id="ask-other-key"),
    pytest.param(
        "ask", Heard("question", "en", "out_of_scope"), EN, "answered", ANSWER, id="ask-question"
    ),
    pytest.param(
        "ask",
        Heard("question", "en", "emergency"),
        URGENT,
        "emergency",
        EMERGENCY,
        id="ask-emergency",
    ),
    pytest.param(
        "ask",
        Heard("language", "it"),
        EN,
        "ask",
        ["Say:ask:it", "Record(recording/ask)"],
        id="ask-switch-language",
    ),
    pytest.param("ask", Heard("person", "en"), STAFFED, "transfer", TRANSFER, id="ask-person"),
    pytest.param(
        "ask", NoInput(), EN, "ask", ["Say:not_understood:en", *ASK_EN], id="ask-silence-retry"
    ),
    pytest.param("ask", Timeout(), EN, "ask", ["Say:not_understood:en", *ASK_EN], id="ask-timeout"),
    pytest.param(
        "ask", NoInput(), replace(STAFFED, attempt=2), "transfer", TRANSFER, id="ask-silence-twice"
    ),
    pytest.param(
        "ask", Failure(), STAFFED, "transfer", ["Say:unavailable:en", *TRANSFER], id="ask-failure"
    ),
    pytest.param("ask", DialEnded(True), EN, "ask", ASK_EN, id="ask-stray-event"),
    # ---- confirm: the recognition was a guess, what was understood is read back first
    pytest.param("ask", GUESS, EN, "confirm", CONFIRM, id="ask-guess-read-back"),
    pytest.param("menu", GUESS, EN, "confirm", CONFIRM, id="menu-guess-read-back"),
    pytest.param(
        "ask",
        Heard("question", "en", "emergency", confirm=True),
        URGENT,
        "emergency",
        EMERGENCY,
        id="ask-emergency-guess-is-not-held-back",
    ),
    pytest.param(
        "ask",
        Heard("question", "en", "emergency", confirm=True),
        EN,
        "answered",
        ANSWER,
        id="ask-emergency-guess-without-numbers-answers",
    ),
    pytest.param("confirm", Digit("1"), EN, "answered", ANSWER, id="confirm-1-right"),
    pytest.param("confirm", Timeout(), EN, "answered", ANSWER, id="confirm-no-key-right"),
    pytest.param(
        "confirm",
        Digit("3"),
        replace(EN, attempt=2),
        "ask",
        ["DiscardAnswer", *ASK_EN],
        id="confirm-3-wrong-say-again",
    ),
    pytest.param("confirm", Digit("0"), UNSTAFFED, "queue", QUEUE, id="confirm-0"),
    pytest.param("confirm", Digit("0"), STAFFED, "transfer", TRANSFER, id="confirm-0-staffed"),
    pytest.param(
        "confirm", Digit("5"), EN, "confirm", ["Say:invalid_key:en", *CONFIRM], id="confirm-invalid"
    ),
    pytest.param("confirm", NoInput(), EN, "confirm", CONFIRM, id="confirm-stray-event"),
    pytest.param("confirm", GUESS, EN, "confirm", CONFIRM, id="confirm-heard-again"),
    # ---- answered: the offer after an answer
    pytest.param("answered", Digit("1"), EN, "answered", ANSWER, id="answered-1-repeat"),
    pytest.param("answered", Digit("2"), SMS, "answered", ["SendSms"], id="answered-2-sms"),
    pytest.param(
        "answered",
        Digit("2"),
        EN,
        "answered",
        ["Say:invalid_key:en", *OFFER],
        id="answered-2-without-sms-is-invalid",
    ),
    pytest.param("answered", Digit("3"), EN, "ask", ASK_EN, id="answered-3-another"),
    pytest.param("answered", Digit("0"), UNSTAFFED, "queue", QUEUE, id="answered-0"),
    pytest.param(
        "answered",
        Digit("7"),
        EN,
        "answered",
        ["Say:invalid_key:en", *OFFER],
        id="answered-invalid",
    ),
    pytest.param(
        "answered",
        SmsOutcome(True),
        SMS,
        "answered",
        ["Say:sms_sent:en", *OFFER],
        id="answered-sms-sent",
    ),
    pytest.param(
        "answered",
        SmsOutcome(False),
        SMS,
        "answered",
        ["Say:sms_failed:en", *OFFER],
        id="answered-sms-failed",
    ),
    pytest.param("answered", Timeout(), EN, "answered", OFFER, id="answered-timeout-offer-again"),
    pytest.param(
        "answered",
        Timeout(),
        replace(EN, timeouts=MAX_TIMEOUTS - 1),
        "ended",
        GOODBYE,
        id="answered-silent-twice-goodbye",
    ),
    pytest.param("answered", DialEnded(True), EN, "ended", GOODBYE, id="answered-dial-done"),
    pytest.param("answered", DialEnded(False), EN, "answered", OFFER, id="answered-dial-failed"),
    pytest.param("answered", NoInput(), EN, "answered", OFFER, id="answered-stray-event"),
    # ---- after a danger described, not happening now: its number can be dialled (key 4)
    pytest.param(
        "answered",
        Digit("4"),
        DANGER,
        "answered",
        ["Say:connecting:en:117", "Dial:117(dialed/answered)"],
        id="answered-4-connects-to-the-danger-number",
    ),
    pytest.param(
        "answered",
        Digit("4"),
        EN,
        "answered",
        ["Say:invalid_key:en", *OFFER],
        id="answered-4-without-a-danger-is-invalid",
    ),
    pytest.param(
        "answered",
        DialEnded(False),
        DANGER,
        "answered",
        ["Say:dial_failed:en:117", *OFFER],
        id="answered-danger-dial-failed-says-the-number",
    ),
    pytest.param("answered", DialEnded(True), DANGER, "ended", GOODBYE, id="answered-danger-done"),
    # ---- emergency: transfer offer, staying on the line connects
    pytest.param(
        "emergency",
        Digit("1"),
        URGENT,
        "emergency",
        ["Say:connecting:en:117", "Dial:117(dialed/emergency)"],
        id="emergency-1-first-number",
    ),
    pytest.param(
        "emergency",
        Digit("2"),
        URGENT,
        "emergency",
        ["Say:connecting:en:144", "Dial:144(dialed/emergency)"],
        id="emergency-2-second-number",
    ),
    pytest.param(
        "emergency",
        Digit("3"),
        URGENT,
        "emergency",
        [
            "Say:invalid_key:en",
            "Gather(key/emergency)[Play:transfer]",
            "Dial:117(dialed/emergency)",
        ],
        id="emergency-no-third-number",
    ),
    pytest.param(
        "emergency",
        Digit("9"),
        URGENT,
        "answered",
        ["Gather(key/answered)[Play:follow]", "Redirect(key/answered)"],
        id="emergency-9-services-after",
    ),
    pytest.param(
        "emergency",
        Digit("9"),
        URGENT_ALONE,
        "emergency",
        [
            "Say:invalid_key:en",
            "Gather(key/emergency)[Play:transfer]",
            "Dial:144(dialed/emergency)",
        ],
        id="emergency-9-without-services",
    ),
    pytest.param(
        "emergency",
        Digit("0"),
        replace(URGENT, handoff_number=HANDOFF, handoff_staffed=True),
        "transfer",
        TRANSFER,
        id="emergency-0",
    ),
    pytest.param(
        "emergency",
        Timeout(),
        URGENT,
        "emergency",
        ["Say:connecting:en:117", "Dial:117(dialed/emergency)"],
        id="emergency-no-key-connects",
    ),
    pytest.param("emergency", DialEnded(True), URGENT, "ended", GOODBYE, id="emergency-dial-done"),
    pytest.param(
        "emergency",
        DialEnded(False),
        URGENT,
        "answered",
        ["Say:dial_failed:en:117", *OFFER],
        id="emergency-dial-failed-says-the-number",
    ),
    pytest.param(
        "emergency",
        NoInput(),
        URGENT,
        "emergency",
        ["Gather(key/emergency)[Play:transfer]", "Dial:117(dialed/emergency)"],
        id="emergency-stray-event",
    ),
    pytest.param(
        "emergency", Digit("1"), EN, "answered", ANSWER, id="emergency-forgotten-acts-as-answered"
    ),
    # ---- transfer to the staffed number
    pytest.param("transfer", DialEnded(True), STAFFED, "ended", GOODBYE, id="transfer-done"),
    pytest.param("transfer", DialEnded(False), STAFFED, "queue", QUEUE, id="transfer-failed-queue"),
    pytest.param("transfer", Digit("5"), STAFFED, "transfer", TRANSFER, id="transfer-stray"),
    # ---- queue: nobody staffed
    pytest.param(
        "queue",
        Digit("1"),
        UNSTAFFED,
        "queue",
        ["Say:connecting:en:143", "Dial:143(dialed/queue)"],
        id="queue-1-la-main-tendue",
    ),
    pytest.param("queue", Digit("3"), UNSTAFFED, "ask", ASK_EN, id="queue-3-question"),
    pytest.param("queue", Digit("0"), UNSTAFFED, "queue", QUEUE, id="queue-0-still-nobody"),
    pytest.param("queue", Digit("0"), STAFFED, "transfer", TRANSFER, id="queue-0-now-staffed"),
    pytest.param(
        "queue", Digit("6"), UNSTAFFED, "queue", ["Say:invalid_key:en", *QUEUE], id="queue-invalid"
    ),
    pytest.param("queue", Timeout(), UNSTAFFED, "ask", ASK_EN, id="queue-no-key-question"),
    pytest.param(
        "queue",
        Timeout(),
        replace(UNSTAFFED, timeouts=MAX_TIMEOUTS - 1),
        "ended",
        GOODBYE,
        id="queue-silent-twice-goodbye",
    ),
    pytest.param("queue", DialEnded(True), UNSTAFFED, "ended", GOODBYE, id="queue-dial-done"),
    pytest.param("queue", DialEnded(False), UNSTAFFED, "queue", QUEUE, id="queue-dial-failed"),
    # ---- ended
    pytest.param("ended", Timeout(), EN, "ended", GOODBYE, id="ended"),
    pytest.param("ended", Digit("0"), UNSTAFFED, "queue", QUEUE, id="ended-0-still-hands-off"),
]


@pytest.mark.parametrize(("state", "event", "ctx", "next_state", "actions"), TRANSITIONS)
def test_transition(
    state: State,
    event: Event,
    ctx: CallContext,
    next_state: State,
    actions: list[str] | None,
) -> None:
    result = step(state, event, ctx)
    assert result.state == next_state
    if actions is not None:
        assert [_show(a) for a in result.actions] == actions


def test_the_language_chosen_is_kept_and_attempts_reset() -> None:
    chosen = step("menu", Digit("2"), CallContext())
    assert chosen.context.language == "de"
    heard = step("ask", Heard("question", "pt", "orientation"), replace(EN, attempt=2))
    assert (heard.context.language, heard.context.attempt) == ("pt", 1)
    retried = step("ask", NoInput(), EN)
    assert retried.context.attempt == 2
    again = step("answered", Timeout(), EN)
    assert again.context.timeouts == 1
    assert step("answered", Digit("1"), again.context).context.timeouts == 0


def test_a_new_call_forgets_the_previous_caller_but_not_the_line() -> None:
    ctx = replace(STAFFED, attempt=2, timeouts=1, transfer=("144",), sms=True)
    fresh = step("queue", Call(), ctx).context
    assert fresh == CallContext(
        sms=True, handoff_number=HANDOFF, handoff_staffed=True, language=None
    )


SAMPLES: dict[type, list[Event]] = {
    Call: [Call()],
    Digit: [Digit(k) for k in "0123456789*#"],
    Timeout: [Timeout()],
    NoInput: [NoInput()],
    Heard: [
        Heard("question", "en", "orientation"),
        Heard("question", "en", "emergency"),
        Heard("question", "en", "orientation", confirm=True),
        Heard("question", "en", "emergency", confirm=True),
        Heard("language", "de"),
        Heard("person", "en"),
    ],
    SmsOutcome: [SmsOutcome(True), SmsOutcome(False)],
    DialEnded: [DialEnded(True), DialEnded(False)],
    Failure: [Failure()],
}
CONTEXTS = [EN, STAFFED, UNSTAFFED, SMS, URGENT, URGENT_ALONE, DANGER, replace(EN, attempt=2)]


def test_the_table_steps_every_state_with_every_kind_of_event_or_the_sweep_does() -> None:
    assert set(SAMPLES) == set(EVENTS)
    rows = {(p.values[0], type(p.values[1])) for p in TRANSITIONS}
    assert {s for s, _ in rows} == set(STATES)
    assert {e for _, e in rows} == set(EVENTS)


@pytest.mark.parametrize(
    ("state", "event_type"),
    list(itertools.product(STATES, EVENTS)),
    ids=lambda v: v if isinstance(v, str) else v.__name__,
)
def test_every_state_answers_every_event(state: State, event_type: type) -> None:
    """The flow is total, and its rules hold for every state, event and context."""
    for event, ctx in itertools.product(SAMPLES[event_type], CONTEXTS):
        result = step(state, event, ctx)
        assert result.actions, (state, event, ctx)
        shown = [_show(a) for a in result.actions]
        # Only the goodbye hangs up, and "0" always reaches the hand-off (a person or the queue).
        if "Hangup" in shown:
            assert result.state == "ended" and shown == [
                f"Say:goodbye:{ctx.language or 'fr'}",
                "Hangup",
            ]
        if event == Digit("0") and state != "transfer":
            assert result.state in {"transfer", "queue"}, (state, ctx)
        # A Gather is always followed by what happens without a key (no dead air).
        for index, action in enumerate(result.actions):
            if isinstance(action, Gather):
                assert isinstance(result.actions[index + 1], Record | Redirect | Dial)
                assert action.children
        # Before the caller can speak (a Record), at most two prompts.
        records = [i for i, a in enumerate(result.actions) if isinstance(a, Record)]
        if records:
            before = result.actions[: records[0]]
            prompts = [
                c
                for a in before
                if not isinstance(a, SendSms | DiscardAnswer)
                for c in (a.children if isinstance(a, Gather) else (a,))
            ]
            assert len(prompts) <= 2, shown
        # An emergency offers the transfer before anything else.
        if isinstance(event, Heard) and event.answer_kind == "emergency" and ctx.transfer:
            assert shown[0] == "Gather(key/emergency)[Play:answer]"
            assert isinstance(result.actions[1], Dial)
        # A read-back never holds back an emergency, and only a guess is read back.
        if isinstance(event, Heard) and event.kind == "question":
            assert (result.state == "confirm") == (
                event.confirm and event.answer_kind != "emergency"
            ), (event, shown)
        # The only numbers dialled are the hand-off's, an emergency's, the queue line and a
        # described danger's, and the danger's only when its key was pressed after the answer.
        for action in result.actions:
            if isinstance(action, Dial) and action.target.state == "answered":
                # (an emergency state whose answer the call book no longer has acts as answered)
                assert (event, action.number) == (Digit("4"), ctx.connect), (state, ctx)
                assert state == "answered" or (state == "emergency" and not ctx.transfer)
        # Only the caller saying the read-back was wrong discards an answer.
        if "DiscardAnswer" in shown:
            assert (state, event) == ("confirm", Digit("3")) and result.state == "ask"

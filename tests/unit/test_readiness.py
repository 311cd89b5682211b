"""The readiness check's pure part: facts in, lines with a severity and a fix out (cloudtalk.readiness)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cloudtalk.readiness import (
    GLANCE,
    INFO,
    LEVEL_HEARD,
    OK,
    PHONE_WAIT_S,
    PROBLEM,
    WARN,
    Facts,
    Line,
    MicTest,
    at_a_glance,
    check,
    offline_text,
    outage_text,
    worst,
)

WELL = Facts()


def lines(facts: Facts) -> dict[str, Line]:
    return {line.key: line for line in check(facts)}


def test_all_well_is_ready_with_no_fix_to_make():
    found = check(WELL)
    assert [line.key for line in found] == ["secure", "frame", "permission", "inputs", "mic-test", "storage", "phone", "network"]
    assert at_a_glance(WELL) == "Ready"
    assert all(line.severity in (OK, INFO) for line in found)
    assert [line.key for line in found if line.severity == INFO] == ["mic-test"]  # not run yet: offered, not a fault
    assert worst(found) == INFO


# (what differs from all well, the line, its severity, its state and its fix, word for word: they are what people read)
CASES = [
    ({'secure': False, 'host': 'crm.example'}, 'secure', PROBLEM,
     'This page comes over plain http:// from crm.example.',
     'The phone needs HTTPS for its microphone: serve the app over HTTPS (README, “Hosting”).'),
    ({'frame_allows': False}, 'frame', PROBLEM,
     "The phone's frame does not ask for the microphone.",
     'The iframe needs allow="microphone *".'),
    ({'policy_allows': False}, 'frame', PROBLEM,
     "The page's Permissions-Policy denies the microphone to https://phone.cloudtalk.io.",
     'The host must send Permissions-Policy: microphone=(self "https://phone.cloudtalk.io"), or no microphone rule.'),
    ({'policy_allows': None}, 'frame', INFO,
     'The frame asks with allow="microphone *"; this browser cannot report whether the page\'s Permissions-Policy lets it.',
     ''),
    ({'phone_here': False}, 'frame', INFO,
     'The phone is in another tab: checked there.',
     ''),
    ({'mic_permission': 'denied', 'browser': 'chromium'}, 'permission', PROBLEM,
     'Blocked for this site: calls cannot be heard.',
     'Click the site information icon left of the address, set the microphone to Allow, then reload the page.'),
    ({'mic_permission': 'denied', 'browser': 'firefox'}, 'permission', PROBLEM,
     'Blocked for this site: calls cannot be heard.',
     'Click the permissions icon left of the address, remove the block on the microphone, then reload the page.'),
    ({'mic_permission': 'denied', 'browser': 'safari'}, 'permission', PROBLEM,
     'Blocked for this site: calls cannot be heard.',
     'Open Safari › Settings for This Website…, set the microphone to Allow, then reload the page.'),
    ({'mic_permission': 'denied'}, 'permission', PROBLEM,
     'Blocked for this site: calls cannot be heard.',
     "Allow the microphone for this site in the browser's site settings, then reload the page."),
    ({'mic_permission': 'prompt'}, 'permission', WARN,
     'The browser will ask when the first call is answered.',
     'Test the microphone now, so that the question is answered before a caller waits.'),
    ({'mic_permission': None}, 'permission', INFO,
     'This browser does not report it.',
     'Test the microphone: the browser asks then, if it has to.'),
    ({'inputs': 0}, 'inputs', PROBLEM,
     'No microphone or headset was found.',
     'Plug in a headset or microphone, then check again.'),
    ({'inputs': 2}, 'inputs', OK,
     '2 audio inputs found.',
     ''),
    ({'inputs': 1}, 'inputs', OK,
     '1 audio input found.',
     ''),
    ({'inputs': None}, 'inputs', INFO,
     'This browser cannot list its devices.',
     ''),
    ({'mic_test': MicTest("running", "Headset")}, 'mic-test', OK,
     'Listening on Headset: speak, and the level moves.',
     ''),
    ({'mic_test': MicTest("ended", "Headset", peak=0.5)}, 'mic-test', OK,
     'Worked with Headset: sound was heard.',
     ''),
    ({'mic_test': MicTest("ended")}, 'mic-test', WARN,
     'Only silence from the default input.',
     "Check that it is not muted (a switch on the headset, or the system's sound settings), then test again."),
    ({'mic_test': MicTest("failed", error="NotAllowedError"), 'browser': 'chromium'}, 'mic-test', PROBLEM,
     "The microphone was refused, by you or by the browser's settings for this site.",
     'Click the site information icon left of the address, set the microphone to Allow, then reload the page.'),
    ({'mic_test': MicTest("failed", error="NotReadableError")}, 'mic-test', PROBLEM,
     'The microphone could not be opened: another application may hold it, or the system blocks it.',
     "Check the headset's cable or connection and that no other application holds it, then test again."),
    ({'mic_test': MicTest("failed", error="WeirdError")}, 'mic-test', PROBLEM,
     'The microphone could not be opened (WeirdError).',
     "Check the headset's cable or connection and that no other application holds it, then test again."),
    ({'mic_test': MicTest("failed")}, 'mic-test', PROBLEM,
     'The microphone could not be opened (no reason given).',
     "Check the headset's cable or connection and that no other application holds it, then test again."),
    ({'notifications_wanted': True, 'notification_permission': 'granted'}, 'notifications', OK,
     'Allowed: a ringing call shows a notification.',
     ''),
    ({'notifications_wanted': True, 'notification_permission': 'default'}, 'notifications', WARN,
     'Not allowed yet.',
     'Allow desktop notifications.'),
    ({'notifications_wanted': True, 'notification_permission': 'denied', 'browser': 'firefox'}, 'notifications', PROBLEM,
     'Blocked for this site.',
     'Click the permissions icon left of the address, remove the block on notifications, then reload the page.'),
    ({'notifications_wanted': True, 'notification_permission': None}, 'notifications', INFO,
     'This browser has no desktop notifications.',
     ''),
    ({'pop_auto': True}, 'pop', INFO,
     'Not tested yet.',
     'Test pop-up opens the screen-pop window and closes it.'),
    ({'pop_auto': True, 'pop_test': 'opened'}, 'pop', OK,
     'The test window opened and closed: pop-ups are allowed.',
     ''),
    ({'pop_auto': True, 'pop_test': 'blocked', 'browser': 'chromium'}, 'pop', PROBLEM,
     'The browser blocked the test window.',
     'Click the site information icon left of the address, set pop-ups and redirects to Allow, then reload the page.'),
    ({'persisted': False, 'storage': '12 MB of 2 GB'}, 'storage', WARN,
     'Not persistent: the browser may remove it under disk pressure. 12 MB of 2 GB',
     'Keep the history on this device (Settings), and export it now and then.'),
    ({'persisted': None}, 'storage', INFO,
     'This browser cannot say whether it keeps the history.',
     ''),
    ({'storage': '3 kB'}, 'storage', OK,
     'Persistent. 3 kB',
     ''),
    ({'phone_here': False}, 'phone', OK,
     'Another tab has the phone: calls ring there.',
     ''),
    ({'phone_loaded_s': 2.345}, 'phone', OK,
     'In this tab; its page loaded in 2.3 s.',
     ''),
    ({'phone_loaded_s': None, 'phone_waited_s': 3.2}, 'phone', INFO,
     'In this tab; its page is loading (3 s).',
     ''),
    ({'phone_loaded_s': None, 'phone_waited_s': PHONE_WAIT_S}, 'phone', PROBLEM,
     'In this tab, but its page has not loaded after 20 s.',
     "Likely causes: the network, a firewall or proxy that blocks https://phone.cloudtalk.io, or the host's Content-Security-Policy frame-src, which must allow https://phone.cloudtalk.io."),
    ({'phone_blocked': 'frame-src', 'phone_loaded_s': 0.1}, 'phone', PROBLEM,
     "The page's Content-Security-Policy (frame-src) refused the phone.",
     "Add https://phone.cloudtalk.io to frame-src in the host's Content-Security-Policy."),
    ({'online': False}, 'network', PROBLEM,
     'Offline: calls cannot reach this phone.',
     'Check the cable, Wi-Fi or VPN; the check updates when the network is back.'),
]

TITLES = {
    "secure": "Secure connection", "frame": "Microphone for the phone's frame", "permission": "Microphone permission",
    "inputs": "Microphone present", "mic-test": "Microphone test", "notifications": "Desktop notifications",
    "pop": "Screen pop window", "storage": "Call history storage", "phone": "The phone", "network": "Network",
}


@pytest.mark.parametrize(("differs", "key", "severity", "state", "fix"), CASES)
def test_each_line_states_what_was_found_and_the_fix(differs, key, severity, state, fix):
    line = lines(replace(WELL, **differs))[key]
    assert line == Line(key, TITLES[key], severity, state, fix)
    if severity in (WARN, PROBLEM):
        assert line.fix, f"{key}: something is wrong, so the line must say what to do"


def test_each_line_in_a_state_of_all_well_word_for_word():
    assert check(replace(WELL, notifications_wanted=True, notification_permission="granted", pop_auto=True)) == [
        Line("secure", TITLES["secure"], OK, "This page is a secure context (HTTPS or this computer)."),
        Line("frame", TITLES["frame"], OK, "Allowed by the frame and the page's Permissions-Policy."),
        Line("permission", TITLES["permission"], OK, "Allowed for this site."),
        Line("inputs", TITLES["inputs"], OK, "1 audio input found."),
        Line("mic-test", TITLES["mic-test"], INFO, "Not run yet.",
             "Test microphone asks for it now and shows its level, so the first call does not have to."),
        Line("notifications", TITLES["notifications"], OK, "Allowed: a ringing call shows a notification."),
        Line("pop", TITLES["pop"], INFO, "Not tested yet.", "Test pop-up opens the screen-pop window and closes it."),
        Line("storage", TITLES["storage"], OK, "Persistent."),
        Line("phone", TITLES["phone"], OK, "In this tab; its page loaded in 1.0 s."),
        Line("network", TITLES["network"], OK, "Online."),
    ]


def test_a_test_just_above_the_level_of_silence_heard_sound():
    heard = lines(replace(WELL, mic_test=MicTest("ended", "Mic", peak=LEVEL_HEARD + 0.001)))["mic-test"]
    silent = lines(replace(WELL, mic_test=MicTest("ended", "Mic", peak=LEVEL_HEARD)))["mic-test"]
    assert (heard.severity, silent.severity) == (OK, WARN)


def test_the_phone_is_given_its_full_time_before_it_is_called_not_loaded():
    waiting = lines(replace(WELL, phone_loaded_s=None, phone_waited_s=PHONE_WAIT_S - 0.1))["phone"]
    assert waiting.severity == INFO and waiting.state == f"In this tab; its page is loading ({PHONE_WAIT_S - 0.1:.0f} s)."


def test_optional_lines_show_only_when_their_setting_is_on():
    assert "notifications" not in lines(replace(WELL, notification_permission="denied"))
    assert "pop" not in lines(replace(WELL, pop_test="blocked"))
    assert "notifications" in lines(replace(WELL, notifications_wanted=True))
    assert "pop" in lines(replace(WELL, pop_auto=True))


def test_a_line_of_a_phone_origin_other_than_cloudtalk_names_it():
    line = lines(replace(WELL, policy_allows=False, phone_origin="https://phone.example"))["frame"]
    assert "https://phone.example" in line.state and "https://phone.example" in line.fix


@pytest.mark.parametrize(("differs", "glance"), [
    ({"online": False, "mic_permission": "denied", "secure": False}, "Offline"),
    ({"mic_permission": "denied", "secure": False}, "Needs HTTPS"),
    ({"mic_permission": "denied", "inputs": 0}, "Microphone blocked"),
    ({"policy_allows": False, "inputs": 0}, "Microphone not allowed"),
    ({"inputs": 0, "phone_loaded_s": None, "phone_waited_s": 60}, "No microphone"),
    ({"mic_test": MicTest("failed", error="NotReadableError")}, "Microphone problem"),
    ({"phone_loaded_s": None, "phone_waited_s": 60}, "Phone not loading"),
    ({"mic_permission": "prompt", "persisted": False}, "Ready"),  # warnings do not stop calls
    ({"notifications_wanted": True, "notification_permission": "denied"}, "Ready"),  # nor does a refused nicety
])
def test_the_dock_shows_the_most_pressing_problem(differs, glance):
    assert at_a_glance(replace(WELL, **differs)) == glance


facts = st.builds(
    Facts,
    secure=st.booleans(), host=st.text(max_size=20), browser=st.sampled_from(["chromium", "firefox", "safari", "other"]),
    frame_allows=st.booleans(), policy_allows=st.none() | st.booleans(),
    mic_permission=st.sampled_from(["granted", "prompt", "denied", None]), inputs=st.none() | st.integers(0, 5),
    mic_test=st.none() | st.builds(MicTest, st.sampled_from(["running", "ended", "failed"]), st.text(max_size=10),
                                   st.floats(0, 1), st.sampled_from(["", "NotAllowedError", "NotFoundError", "X"])),
    notifications_wanted=st.booleans(), notification_permission=st.sampled_from(["granted", "default", "denied", None]),
    pop_auto=st.booleans(), pop_test=st.sampled_from(["opened", "blocked", None]), persisted=st.none() | st.booleans(),
    phone_here=st.booleans(), phone_loaded_s=st.none() | st.floats(0, 100), phone_waited_s=st.floats(0, 1000),
    phone_blocked=st.sampled_from(["", "frame-src"]), online=st.booleans(),
)


@given(facts)
def test_every_problem_has_a_fix_and_the_dock_agrees_with_the_lines(observed: Facts):
    found = check(observed)
    assert len({line.key for line in found}) == len(found)
    for line in found:
        assert isinstance(line.state, str) and line.state and isinstance(line.fix, str)
        assert line.severity in (OK, INFO, WARN, PROBLEM)
        if line.severity in (WARN, PROBLEM):
            assert line.fix
    problems = {line.key for line in found if line.severity == PROBLEM}
    glance = at_a_glance(observed)
    assert (glance == "Ready") == (not problems & {key for key, _ in GLANCE})
    assert worst(found) == PROBLEM or glance == "Ready"


def test_worst_orders_severities():
    assert worst([]) == OK
    assert worst([Line("a", "", OK, "x"), Line("b", "", WARN, "x", "y"), Line("c", "", INFO, "x")]) == WARN


def test_the_offline_banner_warns_of_a_live_call_dropping():
    assert offline_text(False) == "You are offline: calls cannot reach this phone until the network is back."
    assert offline_text(True) == offline_text(False) + " The call in progress may drop."


def test_an_outage_is_worded_with_its_length():
    assert outage_text(100.0, 112.4, "10:00:00", "10:00:12") == \
        "Offline for 12 s, 10:00:00 to 10:00:12: calls could not reach this phone."
    assert outage_text(100.0, 100.0 + 125, "a", "b").startswith("Offline for 2 min 5 s, a to b")
    assert outage_text(100.0, 90.0, "a", "b").startswith("Offline for 0 s")  # a clock set back: never negative

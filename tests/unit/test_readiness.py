"""The readiness check's pure part: facts in, lines with a severity and a fix out (cloudtalk.readiness)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cloudtalk.readiness import (
    GLANCE,
    INFO,
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


# (what differs from all well, the line, its severity, words its state must hold, words its fix must hold)
CASES = [
    ({"secure": False, "host": "crm.example"}, "secure", PROBLEM, "http:// from crm.example", "HTTPS"),
    ({"frame_allows": False}, "frame", PROBLEM, "does not ask", 'allow="microphone *"'),
    ({"policy_allows": False}, "frame", PROBLEM, "denies the microphone to https://phone.cloudtalk.io",
     'microphone=(self "https://phone.cloudtalk.io")'),
    ({"policy_allows": None}, "frame", INFO, "cannot report", ""),
    ({"phone_here": False}, "frame", INFO, "another tab", ""),
    ({"mic_permission": "denied", "browser": "chromium"}, "permission", PROBLEM, "Blocked", "site information icon"),
    ({"mic_permission": "denied", "browser": "firefox"}, "permission", PROBLEM, "Blocked", "permissions icon"),
    ({"mic_permission": "denied", "browser": "safari"}, "permission", PROBLEM, "Blocked", "Settings for This Website"),
    ({"mic_permission": "denied"}, "permission", PROBLEM, "Blocked", "site settings"),
    ({"mic_permission": "prompt"}, "permission", WARN, "will ask", "Test the microphone now"),
    ({"mic_permission": None}, "permission", INFO, "does not report", "Test the microphone"),
    ({"inputs": 0}, "inputs", PROBLEM, "No microphone", "Plug in"),
    ({"inputs": 2}, "inputs", OK, "2 audio inputs", ""),
    ({"inputs": 1}, "inputs", OK, "1 audio input found", ""),
    ({"inputs": None}, "inputs", INFO, "cannot list", ""),
    ({"mic_test": MicTest("running", "Headset")}, "mic-test", OK, "Listening on Headset", ""),
    ({"mic_test": MicTest("ended", "Headset", peak=0.5)}, "mic-test", OK, "Worked with Headset", ""),
    ({"mic_test": MicTest("ended", "", peak=0.0)}, "mic-test", WARN, "the default input gave only silence", "muted"),
    ({"mic_test": MicTest("failed", error="NotAllowedError"), "browser": "chromium"}, "mic-test", PROBLEM, "refused",
     "site information icon"),
    ({"mic_test": MicTest("failed", error="NotReadableError")}, "mic-test", PROBLEM, "another application", "test again"),
    ({"mic_test": MicTest("failed", error="WeirdError")}, "mic-test", PROBLEM, "(WeirdError)", "test again"),
    ({"mic_test": MicTest("failed")}, "mic-test", PROBLEM, "no reason given", "test again"),
    ({"notifications_wanted": True, "notification_permission": "granted"}, "notifications", OK, "Allowed", ""),
    ({"notifications_wanted": True, "notification_permission": "default"}, "notifications", WARN, "Not allowed yet",
     "Allow desktop notifications"),
    ({"notifications_wanted": True, "notification_permission": "denied", "browser": "firefox"}, "notifications", PROBLEM,
     "Blocked", "block on notifications"),
    ({"notifications_wanted": True, "notification_permission": None}, "notifications", INFO, "no desktop notifications", ""),
    ({"pop_auto": True}, "pop", INFO, "Not tested", "Test pop-up"),
    ({"pop_auto": True, "pop_test": "opened"}, "pop", OK, "pop-ups are allowed", ""),
    ({"pop_auto": True, "pop_test": "blocked", "browser": "chromium"}, "pop", PROBLEM, "blocked", "pop-ups and redirects"),
    ({"persisted": False, "storage": "12 MB of 2 GB"}, "storage", WARN, "Not persistent", "Keep the history"),
    ({"persisted": False, "storage": "12 MB of 2 GB"}, "storage", WARN, "12 MB of 2 GB", ""),
    ({"persisted": None}, "storage", INFO, "cannot say", ""),
    ({"storage": "3 kB"}, "storage", OK, "Persistent. 3 kB", ""),
    ({"phone_here": False}, "phone", OK, "Another tab has the phone", ""),
    ({"phone_loaded_s": 2.345}, "phone", OK, "loaded in 2.3 s", ""),
    ({"phone_loaded_s": None, "phone_waited_s": 3.2}, "phone", INFO, "loading (3 s)", ""),
    ({"phone_loaded_s": None, "phone_waited_s": PHONE_WAIT_S}, "phone", PROBLEM, f"not loaded after {PHONE_WAIT_S:.0f} s",
     "frame-src"),
    ({"phone_loaded_s": None, "phone_waited_s": PHONE_WAIT_S}, "phone", PROBLEM, "", "a firewall or proxy"),
    ({"phone_blocked": "frame-src", "phone_loaded_s": 0.1}, "phone", PROBLEM, "(frame-src) refused", "Add https://phone"),
    ({"online": False}, "network", PROBLEM, "Offline", "network is back"),
]


@pytest.mark.parametrize(("differs", "key", "severity", "state", "fix"), CASES)
def test_each_line_states_what_was_found_and_the_fix(differs, key, severity, state, fix):
    line = lines(replace(WELL, **differs))[key]
    assert line.severity == severity
    assert state in line.state
    assert fix in line.fix
    if severity in (WARN, PROBLEM):
        assert line.fix, f"{key}: something is wrong, so the line must say what to do"


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
    assert outage_text(100.0, None, "10:00:00") == "Offline since 10:00:00: calls could not reach this phone."
    assert outage_text(100.0, 112.4, "10:00:00", "10:00:12") == \
        "Offline for 12 s, 10:00:00 to 10:00:12: calls could not reach this phone."
    assert outage_text(100.0, 100.0 + 125, "a", "b").startswith("Offline for 2 min 5 s, a to b")
    assert outage_text(100.0, 90.0, "a", "b").startswith("Offline for 0 s")  # a clock set back: never negative

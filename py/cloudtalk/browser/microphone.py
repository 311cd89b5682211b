"""Test microphone: ask for the microphone now, so the first call need not, and show a live input level.

The readiness check (cloudtalk.browser.readiness) draws the result; cloudtalk.readiness decides what it means.

    mic = MicrophoneTest(on_change=lambda result: check.update(mic_test=result))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..readiness import LEVEL_HEARD, MicTest
from .dom import by_id, keep, listen, spawn
from .ffi import js, to_js

MIC_TEST_S = 15  # the test stops by itself after this long (index.html says so)
LEVEL_EVERY_MS = 100


class MicrophoneTest:
    """getUserMedia, and a <meter> fed by Web Audio's analyser until the test stops (button or time)."""

    def __init__(self, on_change: Callable[[MicTest | None], None]) -> None:
        self.on_change = on_change
        self.button = by_id("mic-test")
        self.meter = by_id("mic-level")
        self.device_text = by_id("mic-device")
        self.result: MicTest | None = None
        self._stream: Any = None
        self._audio: Any = None
        self._timer: Any = None
        self._stopper: Any = None
        self._samples: Any = None
        self._analyser: Any = None
        self._tick = keep(lambda *_: self._sample())
        self._stop = keep(lambda *_: self.stop())
        listen(self.button, "click", lambda _e: self.stop() if self._stream is not None else spawn(self.start()))

    async def start(self) -> None:
        self.button.disabled = True
        self.device_text.textContent = "Asking for the microphone…"
        try:
            constraints = to_js({"audio": True})
            self._stream = await js.navigator.mediaDevices.getUserMedia(constraints)
        except Exception as error:  # noqa: BLE001 - refused, absent or busy: the line says which
            name = str(getattr(getattr(error, "js_error", error), "name", "")) or type(error).__name__
            self._set(MicTest("failed", error=name))
            self.device_text.textContent = ""
            self.button.disabled = False
            return
        track = self._stream.getAudioTracks()[0]
        device = str(track.label) or "the default input"
        audio_class = getattr(js.window, "AudioContext", None) or getattr(js.window, "webkitAudioContext", None)
        self._audio = audio_class.new()
        self._analyser = self._audio.createAnalyser()
        self._analyser.fftSize = 1024
        self._audio.createMediaStreamSource(self._stream).connect(self._analyser)
        self._samples = js.Uint8Array.new(self._analyser.fftSize)
        await self._audio.resume()
        self._set(MicTest("running", device))
        self.device_text.textContent = f"Listening on {device}."
        self.button.textContent = "Stop test"
        self.button.disabled = False
        self._timer = js.window.setInterval(self._tick, LEVEL_EVERY_MS)
        self._stopper = js.window.setTimeout(self._stop, MIC_TEST_S * 1000)

    def _sample(self) -> None:
        if self._analyser is None or self.result is None:
            return
        self._analyser.getByteTimeDomainData(self._samples)
        # 128 is silence; the farthest sample from it is this interval's peak, 0..1.
        peak = max(abs(b - 128) for b in self._samples.to_bytes()) / 128
        self.meter.value = peak
        if peak > self.result.peak:
            self.result = self.result._replace(peak=peak)

    def stop(self) -> None:
        if self._stream is None:
            return
        for track in self._stream.getTracks():
            track.stop()
        if self._audio is not None:
            self._audio.close()
        js.window.clearInterval(self._timer)
        js.window.clearTimeout(self._stopper)
        self._stream = self._audio = self._analyser = None
        self.meter.value = 0
        self.button.textContent = "Test microphone"
        result = self.result or MicTest("ended")
        self.device_text.textContent = f"Tested {result.device or 'the default input'}: " + (
            "sound was heard." if result.peak > LEVEL_HEARD else "only silence.")
        self._set(result._replace(state="ended"))

    def _set(self, result: MicTest) -> None:
        self.result = result
        self.on_change(result)

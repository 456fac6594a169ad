#!/usr/bin/env python3
"""Makes the voice prompts shipped in etc/xconf/prompts/ with Debian's espeak-ng.

Run once when a text changes: python3 distribution/prompts/make_prompts.py
Needs espeak-ng and numpy. Each prompt is 16-bit PCM, mono, 16 kHz (what Xconf plays), with its
silence trimmed. Operators replace any file with their own recording in the same format.
"""
import os
import subprocess
import tempfile
import wave

import numpy as np

PROMPTS = {
    "enter-pin": "Please enter the conference PIN, then press the hash key.",
    "wrong-pin": "That PIN is not right. Please try again.",
    "pin-failed": "That PIN is not right. Goodbye.",
    "muted": "You are muted.",
    "unmuted": "You are unmuted.",
    "recording": "This conference is being recorded.",
    "wait-for-moderator": "Please wait. The moderator will let you in.",
}

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "..", "src", "main", "karaf", "assembly", "etc", "xconf", "prompts")
RATE = 16000


def resample(samples, source_rate):
    """Windowed-sinc resampling (Kaiser, 64 taps each side), low-passed below the new Nyquist."""
    ratio = RATE / source_rate
    cutoff = min(1.0, ratio) * 0.95
    out_length = int(len(samples) * ratio)
    positions = np.arange(out_length) / ratio
    half = 64
    window_beta = 8.0
    out = np.zeros(out_length)
    base = np.floor(positions).astype(int)
    for k in range(-half + 1, half + 1):
        index = base + k
        valid = (index >= 0) & (index < len(samples))
        distance = positions - index
        kernel = cutoff * np.sinc(cutoff * distance)
        span = np.clip(distance / half, -1.0, 1.0)
        kernel *= np.i0(window_beta * np.sqrt(1 - span * span)) / np.i0(window_beta)
        out[valid] += samples[index[valid]] * kernel[valid]
    return out


def main():
    os.makedirs(TARGET, exist_ok=True)
    for name, text in PROMPTS.items():
        with tempfile.NamedTemporaryFile(suffix=".wav") as raw:
            subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", raw.name, text], check=True)
            with wave.open(raw.name) as source:
                rate = source.getframerate()
                samples = np.frombuffer(source.readframes(source.getnframes()), dtype="<i2").astype(float)
        loud = np.nonzero(np.abs(samples) > 300)[0]
        samples = samples[max(0, loud[0] - rate // 20): loud[-1] + rate // 10]
        converted = np.clip(np.round(resample(samples, rate)), -32768, 32767).astype("<i2")
        with wave.open(os.path.join(TARGET, name + ".wav"), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(converted.tobytes())


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Regenerates the G.722 fixtures of G722Test (see README.txt): python3 make_fixtures.py

Writes, next to this script:
  input.raw          2 s of 16 kHz mono s16le test signal (below), 64000 bytes
  ffmpeg.g722        ffmpeg's G.722 encoding of it, 16000 octets
  ffmpeg.raw         ffmpeg's decoding of ffmpeg.g722, s16le
  random.g722        4000 pseudo-random octets (every code, the never-sent ones too)
  random.raw         ffmpeg's decoding of random.g722, s16le

Only the standard library and ffmpeg (with its native adpcm_g722 coder) are needed. The signal
is computed in double precision and rounded; the committed files are the reference.
"""
import math
import os
import struct
import subprocess

RATE = 16000
HERE = os.path.dirname(os.path.abspath(__file__))


class Rng:
    """xorshift32: the same numbers on every platform and Python version."""

    def __init__(self, seed):
        self.state = seed

    def next(self):
        x = self.state
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        self.state = x
        return x

    def uniform(self):  # [-1, 1)
        return self.next() / 2147483648.0 - 1.0

    def gauss(self):  # Irwin-Hall: near enough, bounded to +-6 sigma
        return sum(self.uniform() for _ in range(12)) * 0.5


def db(dbfs):
    return 32768.0 * 10.0 ** (dbfs / 20.0)


def seconds(s):
    return int(round(s * RATE))


def silence(n):
    return [0.0] * n


def chirp(n, f0, f1, dbfs):
    k = math.log(f1 / f0)
    t_total = n / RATE
    return [db(dbfs) * math.sin(2 * math.pi * f0 * t_total / k * (math.exp(i / n * k) - 1))
            for i in range(n)]


def tones(n, freqs, dbfs):
    return [db(dbfs) * sum(math.sin(2 * math.pi * f * i / RATE + j) for j, f in enumerate(freqs))
            for i in range(n)]


def noise(n, rms_dbfs, rng):
    return [db(rms_dbfs) * rng.gauss() for _ in range(n)]


def vowels(n, rng):
    """Speech-like: a glottal pulse train (f0 gliding 100-160 Hz) through three formant
    resonators that glide between /a/, /i/ and /u/, in syllables, peaking near -6 dBFS, with a
    fricative (noise above 3 kHz) between two of them."""
    targets = [(730, 1090, 2440), (270, 2290, 3010), (300, 870, 2240)]
    out = []
    y = [[0.0, 0.0] for _ in range(3)]
    phase = 0.0
    hp = [0.0, 0.0]
    for i in range(n):
        t = i / n
        syllable = int(t * 4)
        within = t * 4 - syllable
        a = targets[syllable % 3]
        b = targets[(syllable + 1) % 3]
        glide = min(1.0, within * 3)
        formants = [a[k] + (b[k] - a[k]) * glide for k in range(3)]
        f0 = 100 + 60 * math.sin(math.pi * t) + 3 * math.sin(2 * math.pi * 5 * i / RATE)
        phase += f0 / RATE
        excitation = 0.0
        if phase >= 1.0:
            phase -= 1.0
            excitation = 1.0
        s = excitation + 0.01 * rng.uniform()
        for k in range(3):
            r = math.exp(-math.pi * (80 + 40 * k) / RATE)
            c = 2 * r * math.cos(2 * math.pi * formants[k] / RATE)
            o = (1 - c + r * r) * s + c * y[k][0] - r * r * y[k][1]
            y[k][1] = y[k][0]
            y[k][0] = o
            s = o
        envelope = math.sin(math.pi * within) ** 0.5
        voiced = s * envelope
        if syllable == 2 and within < 0.2:  # a fricative before the third syllable
            w = rng.gauss() * 0.05
            h = w - hp[0]  # first-order high pass, then a second
            hp[0] = w
            h2 = h - hp[1]
            hp[1] = h
            voiced = h2
        out.append(voiced)
    peak = max(abs(v) for v in out)
    return [v * db(-6) / peak for v in out]


def clipped_sine(n, freq, overdrive_db):
    return [db(overdrive_db) * math.sin(2 * math.pi * freq * i / RATE) for i in range(n)]


def signal():
    rng = Rng(0x2545F491)
    parts = [
        silence(seconds(0.10)),                           # 0.00 s digital silence
        chirp(seconds(0.40), 60, 7900, -6),               # 0.10 s log chirp, -6 dBFS
        tones(seconds(0.10), [1000], -40),                # 0.50 s 1 kHz, -40 dBFS
        tones(seconds(0.10), [440, 3100], -12),           # 0.60 s two tones, -12 dBFS each
        tones(seconds(0.10), [6000], -3),                 # 0.70 s 6 kHz (high band), -3 dBFS
        noise(seconds(0.10), -30, rng),                   # 0.80 s white noise, -30 dBFS rms
        silence(seconds(0.05)),                           # 0.90 s
        noise(seconds(0.10), -18, rng),                   # 0.95 s white noise, -18 dBFS rms
        noise(seconds(0.05), -70, rng),                   # 1.05 s quiet room, -70 dBFS rms
        vowels(seconds(0.50), rng),                       # 1.10 s speech-like
        noise(seconds(0.15), -60, rng),                   # 1.60 s -60 dBFS rms
        clipped_sine(seconds(0.15), 500, 12),             # 1.75 s 500 Hz, 12 dB over, clipped
        silence(seconds(0.10)),                           # 1.90 s to 2.00 s
    ]
    samples = [v for part in parts for v in part]
    assert len(samples) == 2 * RATE
    return [max(-32768, min(32767, int(math.floor(v + 0.5)))) for v in samples]


def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args],
                   check=True)


def main():
    pcm = signal()
    path = lambda name: os.path.join(HERE, name)
    with open(path("input.raw"), "wb") as f:
        f.write(struct.pack("<%dh" % len(pcm), *pcm))
    ffmpeg("-f", "s16le", "-ar", "16000", "-ac", "1", "-i", path("input.raw"),
           "-c:a", "g722", "-trellis", "0", "-f", "g722", path("ffmpeg.g722"))
    ffmpeg("-f", "g722", "-i", path("ffmpeg.g722"), "-f", "s16le", path("ffmpeg.raw"))
    rng = Rng(0x9E3779B9)
    with open(path("random.g722"), "wb") as f:
        f.write(bytes(rng.next() >> 24 for _ in range(4000)))
    ffmpeg("-f", "g722", "-i", path("random.g722"), "-f", "s16le", path("random.raw"))


if __name__ == "__main__":
    main()

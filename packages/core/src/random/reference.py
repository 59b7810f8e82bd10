"""Python reference of @sparse/core's seeded randomness (derive-seed.ts and random.ts).

It reproduces `deriveSeed` and the `Random` stream (xoshiro128** seeded by SplitMix32) bit for bit,
so masks, random scores or DARE drops made in TypeScript can be regenerated in Python.

    python3 packages/core/src/random/reference.py

prints the vectors `random.test.ts` checks. Standard library only.
"""
import math

MASK = 0xFFFFFFFF


def fmix32(h):
    h &= MASK
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & MASK
    h ^= h >> 16
    return h


def _feed(h, data):
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & MASK
    return h


def derive_seed(run_seed, purpose, tensor_name=""):
    assert isinstance(run_seed, int) and 0 <= run_seed < 2**53
    h = 0x811C9DC5
    h = _feed(h, (run_seed & MASK).to_bytes(4, "little"))
    h = _feed(h, (run_seed >> 32).to_bytes(4, "little"))
    for text in (purpose, tensor_name):
        data = text.encode("utf-8")
        h = _feed(h, len(data).to_bytes(4, "little"))
        h = _feed(h, data)
    return fmix32(h)


def _rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & MASK


class Random:
    def __init__(self, seed):
        x = seed & MASK
        state = []
        for _ in range(4):
            x = (x + 0x9E3779B9) & MASK
            state.append(fmix32(x))
        self.s = state
        self.spare = None

    def next_uint32(self):
        s0, s1, s2, s3 = self.s
        result = (_rotl((s1 * 5) & MASK, 7) * 9) & MASK
        t = (s1 << 9) & MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, 11)
        self.s = [s0, s1, s2, s3]
        return result

    def next_float(self):
        return (self.next_uint32() >> 8) * 2.0**-24

    def next_int(self, bound):
        limit = 2**32 - (2**32 % bound)
        while True:
            r = self.next_uint32()
            if r < limit:
                return r % bound

    def next_normal(self):
        if self.spare is not None:
            value, self.spare = self.spare, None
            return value
        u1 = ((self.next_uint32() >> 8) + 1) * 2.0**-24
        u2 = (self.next_uint32() >> 8) * 2.0**-24
        radius = math.sqrt(-2.0 * math.log(u1))
        angle = 2.0 * math.pi * u2
        self.spare = radius * math.sin(angle)
        return radius * math.cos(angle)

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = self.next_int(i + 1)
            items[i], items[j] = items[j], items[i]
        return items


if __name__ == "__main__":
    print("derive_seed(42, 'random-scores', 'dense_1/kernel') =", derive_seed(42, "random-scores", "dense_1/kernel"))
    print("derive_seed(0, '', '') =", derive_seed(0, "", ""))
    print("derive_seed(2**40 + 5, 'dare-drop', 'é/kernel') =", derive_seed(2**40 + 5, "dare-drop", "é/kernel"))
    rng = Random(12345)
    print("uint32 =", [rng.next_uint32() for _ in range(5)])
    print("float =", [rng.next_float() for _ in range(3)])
    print("int(10) =", [rng.next_int(10) for _ in range(5)])
    print("normal =", [rng.next_normal() for _ in range(3)])
    print("shuffle =", Random(7).shuffle(list(range(10))))

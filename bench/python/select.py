"""PyTorch peer of bench/selection.ts: the k-th smallest magnitude of n float32 values.

The global magnitude threshold of pruning to 90 % sparsity: k = floor(0.9 n), values |N(0, 1)|
(the magnitudes are computed once, outside the timing, as on the TypeScript side).

  kthvalue  torch.kthvalue(magnitudes, k)             (the direct equivalent)
  topk      torch.topk(magnitudes, n - k + 1).values.min() (what pruning code often does)

Standalone:  /usr/bin/python3 bench/python/select.py [--n 10000000] [--threads 1] [--reps 5]
Served (bench/selection.ts): --serve reads JSON lines {"n": 10000000, "op": "kthvalue",
"threads": 1, "reps": 1} and answers {"ms": [...], "value": v}. The data for each n is made
once and kept.
"""

import argparse
import json
import sys
import time

import torch

DATA = {}


def magnitudes(n):
    if n not in DATA:
        DATA.clear()  # one size at a time: 1e8 float32 is 400 MB
        gen = torch.Generator().manual_seed(n % 2**31)
        DATA[n] = torch.randn(n, generator=gen, dtype=torch.float32).abs_()
    return DATA[n]


def run(n, op, threads, reps):
    torch.set_num_threads(threads)
    data = magnitudes(n)
    k = (9 * n) // 10
    times = []
    value = None
    for _ in range(reps):
        start = time.perf_counter()
        if op == "kthvalue":
            value = torch.kthvalue(data, k).values.item()
        elif op == "topk":
            value = torch.topk(data, n - k + 1, sorted=False).values.min().item()
        else:
            raise ValueError(op)
        times.append((time.perf_counter() - start) * 1000)
    return {"ms": times, "value": value}


def serve():
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if request.get("cmd") == "quit":
            break
        answer = run(int(request["n"]), request["op"], int(request.get("threads", 1)), int(request.get("reps", 1)))
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    for op in ("kthvalue", "topk"):
        run(args.n, op, args.threads, 1)  # warm-up
        result = run(args.n, op, args.threads, args.reps)
        times = sorted(result["ms"])
        print(f"torch {torch.__version__} {op:8s} n={args.n:.0e} threads={args.threads}: median {times[len(times) // 2]:.1f} ms")


if __name__ == "__main__":
    main()

"""PyTorch peer of bench/compaction.ts: inference latency of a dense MLP and of its compacted form.

The dense model is 784-512-256-10 (Linear/ReLU, linear head); a seeded choice of neurons is
zeroed (weight row and bias, as a neuron-masked model has them) so that 128 of 512 and 64 of 256
stay alive, and the compacted model keeps only those: 784-128-64-10 (weights sliced from the
masked model, as compactModel does on the TypeScript side). Its outputs are checked against the
masked model's. Each call is `model(x)` under torch.no_grad() on one thread (the wasm backend in
Node runs one thread too).

Standalone:  /usr/bin/python3 bench/python/compaction_latency.py [--calls 200] [--threads 1]
Served (bench/compaction.ts): --serve reads JSON lines
  {"cmd": "build", "dense": [784, 512, 256, 10], "alive": [128, 64], "seed": 1}
      -> {"maxAbsDiff": d, "dense": [...], "compacted": [...], "torch": "1.13.0"}
  {"model": "dense" | "compacted", "batch": 1, "calls": 200, "threads": 1}
      -> {"ms": [...]}   (one time per call)
The models and the inputs (N(0, 1), one tensor per batch size) are made once and kept.
"""

import argparse
import json
import sys
import time

import torch
from torch import nn

MODELS = {}
INPUTS = {}


def build(dense_widths, alive, seed):
    """The masked dense model and its compacted copy; returns the largest output difference."""
    gen = torch.Generator().manual_seed(seed)
    layers = []
    for n_in, n_out in zip(dense_widths[:-1], dense_widths[1:]):
        linear = nn.Linear(n_in, n_out)
        bound = (6.0 / (n_in + n_out)) ** 0.5  # Glorot uniform, as tfjs-layers' default
        with torch.no_grad():
            linear.weight.copy_(torch.rand(n_out, n_in, generator=gen) * 2 * bound - bound)
            linear.bias.copy_(torch.rand(n_out, generator=gen) * 0.2 - 0.1)
        layers.append(linear)
    kept = []
    with torch.no_grad():
        for linear, n_alive in zip(layers[:-1], alive):
            keep = torch.randperm(linear.out_features, generator=gen)[:n_alive].sort().values
            dead = torch.ones(linear.out_features, dtype=torch.bool)
            dead[keep] = False
            linear.weight[dead] = 0  # the neuron's incoming weights (tfjs: the kernel column)
            linear.bias[dead] = 0
            kept.append(keep)
    small = []
    with torch.no_grad():
        previous = None
        for index, linear in enumerate(layers):
            rows = kept[index] if index < len(kept) else torch.arange(linear.out_features)
            weight = linear.weight[rows]
            if previous is not None:
                weight = weight[:, previous]
            copy = nn.Linear(weight.shape[1], weight.shape[0])
            copy.weight.copy_(weight)
            copy.bias.copy_(linear.bias[rows])
            small.append(copy)
            previous = rows
    def sequential(linears):
        modules = []
        for index, linear in enumerate(linears):
            modules.append(linear)
            if index + 1 < len(linears):
                modules.append(nn.ReLU())
        return nn.Sequential(*modules).eval()
    MODELS["dense"] = sequential(layers)
    MODELS["compacted"] = sequential(small)
    with torch.no_grad():
        x = torch.randn(256, dense_widths[0], generator=gen)
        diff = (MODELS["dense"](x) - MODELS["compacted"](x)).abs().max().item()
    return {
        "maxAbsDiff": diff,
        "dense": [dense_widths[0]] + [l.out_features for l in layers],
        "compacted": [dense_widths[0]] + [l.out_features for l in small],
        "torch": torch.__version__,
    }


def run(model_name, batch, calls, threads):
    torch.set_num_threads(threads)
    model = MODELS[model_name]
    n_in = model[0].in_features
    if (batch, n_in) not in INPUTS:
        INPUTS[(batch, n_in)] = torch.randn(batch, n_in, generator=torch.Generator().manual_seed(batch))
    x = INPUTS[(batch, n_in)]
    times = []
    with torch.no_grad():
        for _ in range(calls):
            start = time.perf_counter()
            model(x)
            times.append((time.perf_counter() - start) * 1000)
    return {"ms": times}


def serve():
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if request.get("cmd") == "quit":
            break
        if request.get("cmd") == "build":
            answer = build(list(request["dense"]), list(request["alive"]), int(request.get("seed", 1)))
        else:
            answer = run(request["model"], int(request["batch"]), int(request.get("calls", 1)), int(request.get("threads", 1)))
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    info = build([784, 512, 256, 10], [128, 64], 1)
    print(f"torch {torch.__version__}; max |compacted - masked dense| = {info['maxAbsDiff']:.1e}")
    for batch in (1, 256):
        calls = args.calls if batch == 1 else max(1, args.calls // 5)
        for name in ("dense", "compacted"):
            run(name, batch, 5, args.threads)  # warm-up
            times = sorted(run(name, batch, calls, args.threads)["ms"])
            print(f"{name:9s} batch {batch:3d} threads={args.threads}: median {times[len(times) // 2]:.3f} ms ({calls} calls)")


if __name__ == "__main__":
    main()

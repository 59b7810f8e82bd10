"""PyTorch peer of bench/training.ts: LeNet-300-100 training steps, with and without masks.

The same work as the TypeScript side: a 784-300-100-10 ReLU network, softmax cross-entropy
(mean over the batch), Adam (lr 1.2e-3), batches of uniform [0, 1) inputs and random labels
cycled from a pool of 8. With masks (50 % of each weight matrix, biases unmasked), a step is:
loss.backward(); grad *= mask; optimizer.step(); weight *= mask (the order of
torch.nn.utils.prune users and of @sparse/core's MaskedOptimizer).

Standalone:  /usr/bin/python3 bench/python/train_lenet.py [--batch 60] [--threads 1] [--steps 50] [--rounds 5]
Served (bench/training.ts): --serve reads one JSON request per line on stdin,
  {"batch": 60, "threads": 1, "masked": true, "steps": 50}
and answers one JSON line, {"ms_per_step": ...}. Models and optimizer state persist per
(batch, threads, masked) between requests, so the TypeScript side can interleave rounds.
"""

import argparse
import json
import sys
import time

import torch

SIZES = (784, 300, 100, 10)
POOL = 8


class Arm:
    """One configuration: model, optimizer, masks and a pool of batches."""

    def __init__(self, batch, masked, seed=0):
        gen = torch.Generator().manual_seed(seed)
        torch.manual_seed(seed)
        layers = []
        for i in range(len(SIZES) - 1):
            layers.append(torch.nn.Linear(SIZES[i], SIZES[i + 1]))
            if i + 2 < len(SIZES):
                layers.append(torch.nn.ReLU())
        self.model = torch.nn.Sequential(*layers)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1.2e-3)
        self.loss = torch.nn.CrossEntropyLoss()
        self.batches = [
            (torch.rand(batch, SIZES[0], generator=gen), torch.randint(0, SIZES[-1], (batch,), generator=gen))
            for _ in range(POOL)
        ]
        self.masked = []
        if masked:
            for module in self.model:
                if isinstance(module, torch.nn.Linear):
                    mask = (torch.rand(module.weight.shape, generator=gen) < 0.5).float()
                    with torch.no_grad():
                        module.weight.mul_(mask)
                    self.masked.append((module.weight, mask))
        self.next = 0

    def step(self):
        x, y = self.batches[self.next]
        self.next = (self.next + 1) % POOL
        self.optimizer.zero_grad(set_to_none=True)
        self.loss(self.model(x), y).backward()
        for weight, mask in self.masked:
            weight.grad.mul_(mask)
        self.optimizer.step()
        if self.masked:
            with torch.no_grad():
                for weight, mask in self.masked:
                    weight.mul_(mask)

    def time(self, steps):
        start = time.perf_counter()
        for _ in range(steps):
            self.step()
        return (time.perf_counter() - start) * 1000 / steps


ARMS = {}


def arm(batch, threads, masked):
    torch.set_num_threads(threads)
    key = (batch, threads, masked)
    if key not in ARMS:
        ARMS[key] = Arm(batch, masked)
        ARMS[key].time(10)  # warm-up: allocates Adam state, warms the allocator
    return ARMS[key]


def serve():
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if request.get("cmd") == "quit":
            break
        a = arm(int(request["batch"]), int(request["threads"]), bool(request["masked"]))
        ms = a.time(int(request["steps"]))
        sys.stdout.write(json.dumps({"ms_per_step": ms}) + "\n")
        sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--batch", type=int, default=60)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    print(f"torch {torch.__version__}, {args.threads} thread(s), LeNet-300-100, Adam, batch {args.batch}")
    for masked in (False, True):
        a = arm(args.batch, args.threads, masked)
        times = sorted(a.time(args.steps) for _ in range(args.rounds))
        median = times[len(times) // 2]
        label = "masked" if masked else "plain "
        print(f"  {label} {median:7.3f} ms/step  {args.batch * 1000 / median:8.0f} samples/s")


if __name__ == "__main__":
    main()

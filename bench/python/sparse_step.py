"""PyTorch peer of bench/sparse-training.ts: RigL and SET mask updates on LeNet-300-100.

The same work as the TypeScript side: a 784-300-100-10 ReLU network, softmax cross-entropy (mean
over the batch), Adam (lr 1.2e-3), batches of uniform [0, 1) inputs and random labels cycled from
a pool of 8, each weight matrix masked at given densities (ERK at 90 % sparsity), biases unmasked.

A training step: loss.backward(); grad *= mask; optimizer.step(); weight *= mask.
A mask update (RigL, Evci et al. 2020, as the PyTorch ports such as rigl-torch do it), per layer:
  - n = floor(f * active) with the cosine drop fraction f given by the caller;
  - dense gradient of the minibatch loss (RigL only: forward + backward, the gradient not masked);
  - drop the n active weights with the smallest |w| (topk);
  - grow n entries among those not kept: the largest |grad| (RigL) or uniformly at random (SET);
  - grown weights set to 0, their Adam exp_avg and exp_avg_sq reset to 0, the new mask applied.

Standalone:  /usr/bin/python3 bench/python/sparse_step.py [--threads 1] [--repeats 30]
Served (bench/sparse-training.ts): --serve reads one JSON request per line,
  {"densities": [..3 floats..], "threads": 1, "mode": "rigl" | "set" | "step", "repeats": 30, "fraction": 0.3}
and answers {"ms": median ms of one (mask update + training step), or of one step for "step"}.
"""

import argparse
import json
import math
import sys
import time

import torch

SIZES = (784, 300, 100, 10)
POOL = 8
BATCH = 60


class Arm:
    def __init__(self, densities, seed=0):
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
            (torch.rand(BATCH, SIZES[0], generator=gen), torch.randint(0, SIZES[-1], (BATCH,), generator=gen))
            for _ in range(POOL)
        ]
        self.gen = gen
        self.masked = []
        linears = [m for m in self.model if isinstance(m, torch.nn.Linear)]
        for module, density in zip(linears, densities):
            n = module.weight.numel()
            keep = int(round(density * n))
            mask = torch.zeros(n)
            mask[torch.randperm(n, generator=gen)[:keep]] = 1
            mask = mask.view_as(module.weight)
            with torch.no_grad():
                module.weight.mul_(mask)
            self.masked.append([module.weight, mask])
        self.next = 0

    def batch(self):
        x, y = self.batches[self.next]
        self.next = (self.next + 1) % POOL
        return x, y

    def step(self):
        x, y = self.batch()
        self.optimizer.zero_grad(set_to_none=True)
        self.loss(self.model(x), y).backward()
        for weight, mask in self.masked:
            weight.grad.mul_(mask)
        self.optimizer.step()
        with torch.no_grad():
            for weight, mask in self.masked:
                weight.mul_(mask)

    def update(self, mode, fraction):
        if mode == "rigl":
            x, y = self.batch()
            self.optimizer.zero_grad(set_to_none=True)
            self.loss(self.model(x), y).backward()
        with torch.no_grad():
            for entry in self.masked:
                weight, mask = entry
                flat_mask = mask.view(-1)
                active = int(flat_mask.sum().item())
                n = int(math.floor(fraction * active))
                if n == 0:
                    continue
                w = weight.view(-1)
                # (masked_fill, not torch.where: where is ~10x slower on this build)
                drop_scores = w.abs().masked_fill_(flat_mask == 0, math.inf)
                dropped = torch.topk(drop_scores, n, largest=False).indices
                kept = flat_mask.clone()
                kept[dropped] = 0
                if mode == "rigl":
                    grow_scores = weight.grad.view(-1).abs()
                else:
                    grow_scores = torch.rand(w.shape, generator=self.gen)
                grow_scores = grow_scores.masked_fill(kept > 0, -math.inf)
                grown = torch.topk(grow_scores, n).indices
                new_mask = kept
                new_mask[grown] = 1
                newly = grown[flat_mask[grown] == 0]
                w[newly] = 0
                state = self.optimizer.state[weight]
                state["exp_avg"].view(-1)[newly] = 0
                state["exp_avg_sq"].view(-1)[newly] = 0
                w.mul_(new_mask)
                entry[1] = new_mask.view_as(mask)

    def time(self, mode, repeats, fraction):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            if mode != "step":
                self.update(mode, fraction)
            self.step()
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        return times[len(times) // 2]


ARMS = {}


def arm(densities, threads):
    torch.set_num_threads(threads)
    key = (tuple(densities), threads)
    if key not in ARMS:
        ARMS[key] = Arm(densities)
        for _ in range(10):  # warm-up: Adam state, allocator
            ARMS[key].step()
    return ARMS[key]


def serve():
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if request.get("cmd") == "quit":
            break
        a = arm([float(d) for d in request["densities"]], int(request["threads"]))
        ms = a.time(request["mode"], int(request["repeats"]), float(request.get("fraction", 0.3)))
        sys.stdout.write(json.dumps({"ms": ms}) + "\n")
        sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    densities = [0.07, 0.25, 0.7]
    a = arm(densities, args.threads)
    print(f"torch {torch.__version__}, {args.threads} thread(s), LeNet-300-100 at densities {densities}, batch {BATCH}")
    for mode in ("step", "set", "rigl"):
        print(f"  {mode:5s} {a.time(mode, args.repeats, 0.3):7.3f} ms (median; update + step)")


if __name__ == "__main__":
    main()

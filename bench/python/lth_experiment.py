"""PyTorch peer of `sparse run` on an `lth` config: the whole lottery-ticket experiment.

Reads the SAME config file as ours (e.g. examples/lth/lenet-fashion-mnist-full.json), so the two
sides cannot drift, and does what packages/lth does with it:

- data: the four Fashion-MNIST idx .gz files of `dataset.dir` (tried relative to the working
  directory, then to the config file's folder, as @sparse/datasets does) or, for "bundled", the
  subset shipped in packages/datasets/data; pixels / 255; `validationSize` training images held
  out with OUR split rule, bit for bit (a Fisher-Yates permutation drawn from @sparse/core's
  Random stream seeded by deriveSeed(0, 'split', 'validation'), via packages/core/src/random/
  reference.py; the first validationSize indices, sorted, are the validation set, the rest, sorted,
  the training set);
- model: an MLP of `model.layerSizes`, ReLU after every layer but the last, kernels stored
  [inputs, outputs] as tfjs does, glorot-NORMAL kernels (N(0, 2 / (fan_in + fan_out)), not
  truncated: core's `glorotNormal`, which `createMlp` uses), zero biases;
- training: a fresh Adam (lr from the config, betas 0.9 / 0.999, epsilon 1e-7 as tfjs) per round,
  mean softmax cross-entropy, `batchSize`, `epochsPerRound` epochs (or `iterations`) with a fresh
  shuffle each epoch and the last, smaller batch kept (ceil(n / batchSize) steps per epoch); every
  round of a seed sees the same data order; masked steps: grad *= mask before the step,
  weight *= mask after (biases never masked);
- evaluation: validation at iteration 0, every `evalEvery` iterations and at the end; the test set
  where the validation loss reaches a new minimum and at the end (ours: `testAt: 'improvement'`,
  the same early-stop figures as testing every time); early stop = the EARLIEST evaluation with
  the lowest validation loss (iteration 0 counts; NaN losses skipped);
- pruning (scope layerwise, scorer magnitude, selection exact): after each ticket round, per
  kernel, exactly pruneCount(rate, alive) of the alive weights with the lowest |w| of the weights
  at the END of the round, ties by flat index (ours: `pruneLowestAcross`); rate `rates.perTensor`
  [name], else `rates.output` (default: `rates.default` / 2) for the last kernel, else
  `rates.default`; biases never pruned;
- branches: `ticket` (level L: masks of level L, weights θ0 masked), `reinit` (level L >= 1: the
  ticket's masks, one fresh glorot-normal draw per seed, the same at every level, as ours),
  `randomPrune` (the levels given, or for `remaining: [p, ...]` the level whose predicted fraction
  remaining is nearest p / 100 in log ratio; masks: the ticket's masks of that level shuffled
  within each kernel, weights θ0), with `rewindStep` 0 only.

Differences from ours (known, not reproduced):
1. Random streams: θ0, the re-initialisation, the per-epoch data order and the random-prune
   shuffles come from torch generators (seeded from the seed and a purpose, via deriveSeed), not
   from @sparse/core's Random, so a seed here is NOT the same network or data order as the same
   seed there; only the validation split is identical. Compare means over seeds, not seeds.
2. Arithmetic: PyTorch's float32 kernels (MKL / oneDNN) vs our WebAssembly SIMD dense trainer:
   the same formulas, different rounding (also in the evaluation sums: ours adds chunks of 1,000
   examples in float32, this script sums the whole set at once).
3. `rewindStep` > 0, `scope: global`, `mode: mir-l`, any scorer but magnitude, `branches.oneShot`,
   `branches.instability`, `randomPrune.shuffle` other than layerwise, `optimizer.name` other than
   adam and `plugins` are refused (exit 2, naming the field) before any training. `engine`,
   `backend`, `checkpointEvery` and `workers` are ours only (use --workers); they are ignored.
4. No checkpoints: a killed run starts over.

Usage:
  /usr/bin/python3 bench/python/lth_experiment.py --config examples/lth/lenet-fashion-mnist-quick.json \
      --out /tmp/torch-lth.jsonl [--workers 2] [--seeds 0,1] [--plan]

--plan prints what would run (data folder, iterations per round, levels) and exits.

Writes one JSON line per trained network to --out (the fields of ours' results.jsonl, engine
"pytorch"), prints progress to stderr and a one-line JSON summary to stdout.
"""

import argparse
import gzip
import json
import math
import multiprocessing
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "packages", "core", "src", "random"))
import reference as sparse_random  # noqa: E402  (@sparse/core's Random and deriveSeed, bit for bit)

FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
KNOWN = {
    "$schema", "kind", "name", "seeds", "dataset", "validationSize", "model", "optimizer", "engine", "batchSize",
    "epochsPerRound", "iterations", "evalEvery", "rounds", "rates", "scope", "mode", "scorer", "rewindStep",
    "branches", "backend", "workers", "checkpointEvery", "plugins",
}


class Refused(Exception):
    """A config field this script does not implement."""


def refuse(field, why):
    raise Refused(f"{field}: {why}; this PyTorch peer implements only what packages/lth does for the LeNet LTH configs")


def read_config(path):
    """The config with our schema's defaults, or Refused naming the first field not implemented."""
    try:
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
    except (OSError, ValueError) as error:
        refuse("--config", f"cannot read {path} as JSON ({error})")
    if not isinstance(raw, dict):
        refuse("--config", f"{path} is not a JSON object")
    for key in raw:
        if key not in KNOWN:
            refuse(key, "unknown field")
    if raw.get("kind", "lth") != "lth":
        refuse("kind", f"expected 'lth', got {raw.get('kind')!r}")
    if raw.get("plugins"):
        refuse("plugins", "plugins may change what the config means")
    optimizer = {"name": "adam", "learningRate": 1.2e-3, **raw.get("optimizer", {})}
    if optimizer["name"] != "adam":
        refuse("optimizer.name", f"only adam, got {optimizer['name']!r}")
    if raw.get("scope", "layerwise") != "layerwise":
        refuse("scope", f"only layerwise, got {raw.get('scope')!r}")
    if raw.get("mode", "imp") != "imp":
        refuse("mode", f"only imp, got {raw.get('mode')!r}")
    scorer = raw.get("scorer", "magnitude")
    if scorer != "magnitude" and scorer != {"name": "magnitude"}:
        refuse("scorer", f"only magnitude, got {json.dumps(scorer)}")
    if raw.get("rewindStep", 0) != 0:
        refuse("rewindStep", f"only 0 (reset to θ0), got {raw.get('rewindStep')}")
    branches = {"ticket": True, "reinit": True, **raw.get("branches", {})}
    for key in branches:
        if key not in ("ticket", "reinit", "randomPrune"):
            refuse(f"branches.{key}", "not implemented")
    random_prune = branches.get("randomPrune")
    if random_prune is not None:
        if random_prune.get("shuffle", "layerwise") != "layerwise":
            refuse("branches.randomPrune.shuffle", f"only layerwise, got {random_prune.get('shuffle')!r}")
        if ("levels" in random_prune) == ("remaining" in random_prune):
            refuse("branches.randomPrune", "give exactly one of levels and remaining")
    if ("epochsPerRound" in raw) == ("iterations" in raw):
        refuse("epochsPerRound", "give exactly one of epochsPerRound and iterations")
    layers = raw.get("model", {}).get("layerSizes", [784, 300, 100, 10])
    if layers[0] != 784 or layers[-1] != 10:
        refuse("model.layerSizes", "must start at 784 and end at 10")
    rates = {"default": 0.2, "output": 0.1} if "rates" not in raw else dict(raw["rates"])
    seeds = raw.get("seeds")
    if not seeds:
        refuse("seeds", "required")
    return {
        "path": os.path.abspath(path),
        "name": raw.get("name", "lth"),
        "seeds": [int(s) for s in seeds],
        "dataset": raw.get("dataset", "bundled"),
        "validationSize": int(raw.get("validationSize", 5000)),
        "layerSizes": [int(x) for x in layers],
        "learningRate": float(optimizer["learningRate"]),
        "batchSize": int(raw.get("batchSize", 60)),
        "epochsPerRound": raw.get("epochsPerRound"),
        "iterations": raw.get("iterations"),
        "evalEvery": int(raw.get("evalEvery", 100)),
        "rounds": int(raw["rounds"]),
        "rates": rates,
        "reinit": bool(branches.get("reinit", True)),
        "randomPrune": random_prune,
        "workers": int(raw.get("workers", 2)),
    }


def dataset_dir(config):
    """The folder with the four files: bundled, or dataset.dir from the working directory, else the config's folder."""
    dataset = config["dataset"]
    if dataset == "bundled":
        return os.path.join(REPO, "packages", "datasets", "data")
    if not isinstance(dataset, dict) or not isinstance(dataset.get("dir"), str):
        refuse("dataset", "'bundled' or { \"dir\": folder } only")
    folder = dataset["dir"]
    candidates = [folder] if os.path.isabs(folder) else [os.path.abspath(folder), os.path.normpath(os.path.join(os.path.dirname(config["path"]), folder))]
    for candidate in candidates:
        if os.path.isdir(candidate) and all(os.path.isfile(os.path.join(candidate, f)) for f in FILES):
            return candidate
    raise FileNotFoundError(f"dataset.dir: no folder with the four Fashion-MNIST files at {' or '.join(candidates)}")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def sparse_permutation(n, seed, purpose, name):
    """@sparse/datasets' randomPermutation(n, seededRandom(seed, purpose, name)), bit for bit."""
    rng = sparse_random.Random(sparse_random.derive_seed(seed, purpose, name))
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        j = math.floor(rng.next_uint32() / 4294967296.0 * (i + 1))
        order[i], order[j] = order[j], order[i]
    return order


def load_data(config):
    folder = dataset_dir(config)
    images, labels, test_images, test_labels = (read_idx(os.path.join(folder, f)) for f in FILES)
    n = images.shape[0]
    if not 1 <= config["validationSize"] < n:
        refuse("validationSize", f"expected an integer in [1, {n - 1}], got {config['validationSize']}")
    order = sparse_permutation(n, 0, "split", "validation")
    validation = np.sort(np.array(order[: config["validationSize"]], dtype=np.int64))
    train = np.sort(np.array(order[config["validationSize"]:], dtype=np.int64))

    def tensors(x, y, index=None):
        if index is not None:
            x, y = x[index], y[index]
        return torch.from_numpy(x.reshape(x.shape[0], -1).astype(np.float32) / np.float32(255)), torch.from_numpy(y.astype(np.int64))

    return {"train": tensors(images, labels, train), "validation": tensors(images, labels, validation), "test": tensors(test_images, test_labels), "folder": folder}


def prune_count(rate, alive):
    """packages/lth pruneCount: floor(rate * alive), snapped to the nearest integer within 1e-9."""
    x = rate * alive
    nearest = math.floor(x + 0.5)
    snapped = nearest if abs(x - nearest) <= 1e-9 * max(1.0, abs(x)) else x
    return min(alive, max(0, math.floor(snapped)))


def kernel_rates(config):
    names = [f"fc{i + 1}/kernel" for i in range(len(config["layerSizes"]) - 1)]
    rates = config["rates"]
    per = rates.get("perTensor", {})
    for name in per:
        if name not in names:
            refuse(f"rates.perTensor.{name}", f"unknown tensor; prunable: {', '.join(names)}")
    output = rates.get("output", rates["default"] / 2)
    return [per.get(name, output if i == len(names) - 1 else rates["default"]) for i, name in enumerate(names)]


def predicted_remaining(config):
    sizes = [config["layerSizes"][i] * config["layerSizes"][i + 1] for i in range(len(config["layerSizes"]) - 1)]
    rates = kernel_rates(config)
    alive = list(sizes)
    out = [1.0]
    for _ in range(config["rounds"]):
        alive = [a - prune_count(r, a) for a, r in zip(alive, rates)]
        out.append(sum(alive) / sum(sizes))
    return out


def random_prune_levels(config):
    option = config["randomPrune"]
    if option is None:
        return []
    remaining = predicted_remaining(config)
    if "levels" in option:
        levels = option["levels"]
    else:
        levels = []
        for percent in option["remaining"]:
            target = percent / 100
            best = 1
            for level in range(1, len(remaining)):
                if abs(math.log(remaining[level] / target)) < abs(math.log(remaining[best] / target)):
                    best = level
            levels.append(best)
    for level in levels:
        if not 1 <= level <= config["rounds"]:
            refuse("branches.randomPrune.levels", f"expected a level in [1, {config['rounds']}], got {level}")
    return sorted(set(levels))


def generator(seed, purpose, name=""):
    return torch.Generator().manual_seed(sparse_random.derive_seed(seed, purpose, name))


def glorot_normal(layers, seed, purpose):
    """Kernels [inputs, outputs] from N(0, 2 / (fan_in + fan_out)), one generator per kernel; zero biases."""
    out = []
    for i in range(len(layers) - 1):
        g = generator(seed, purpose, f"fc{i + 1}/kernel")
        kernel = torch.randn(layers[i], layers[i + 1], generator=g) * math.sqrt(2.0 / (layers[i] + layers[i + 1]))
        out.append((kernel, torch.zeros(layers[i + 1])))
    return out


def forward(params, x):
    for i, (kernel, bias) in enumerate(params):
        x = torch.addmm(bias, x, kernel)
        if i + 1 < len(params):
            x = torch.relu(x)
    return x


def evaluate(params, data):
    x, y = data
    with torch.no_grad():
        logits = forward(params, x)
        loss = F.cross_entropy(logits, y, reduction="sum").item() / x.shape[0]
        accuracy = (logits.argmax(1) == y).sum().item() / x.shape[0]
    return loss, accuracy


def train_round(config, data, orders, start, masks):
    """One round from `start` (masked) for T iterations; the early stop and final evaluation."""
    params = []
    for i, (kernel, bias) in enumerate(start):
        k = kernel.clone() if masks is None else kernel * masks[i]
        params.append((k.requires_grad_(True), bias.clone().requires_grad_(True)))
    flat = [p for pair in params for p in pair]
    optimizer = torch.optim.Adam(flat, lr=config["learningRate"], betas=(0.9, 0.999), eps=1e-7)
    x_train, y_train = data["train"]
    batch = config["batchSize"]
    per_epoch = math.ceil(x_train.shape[0] / batch)
    total = config["T"]
    evals = []
    best = math.inf

    def record(iteration):
        nonlocal best
        v_loss, v_acc = evaluate(params, data["validation"])
        improved = v_loss < best
        if improved:
            best = v_loss
        test = evaluate(params, data["test"])[1] if improved or iteration == total else None
        evals.append((iteration, v_loss, v_acc, test))

    record(0)
    for step in range(total):
        epoch, index = divmod(step, per_epoch)
        rows = orders[epoch][index * batch:(index + 1) * batch]
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(forward(params, x_train[rows]), y_train[rows]).backward()
        if masks is not None:
            for (kernel, _), mask in zip(params, masks):
                kernel.grad.mul_(mask)
        optimizer.step()
        if masks is not None:
            with torch.no_grad():
                for (kernel, _), mask in zip(params, masks):
                    kernel.mul_(mask)
        iteration = step + 1
        if iteration % config["evalEvery"] == 0 or iteration == total:
            record(iteration)
    stop = None
    for e in evals:
        if not math.isnan(e[1]) and (stop is None or e[1] < stop[1]):
            stop = e
    stop = stop or evals[0]
    final = evals[-1]
    trained = [(k.detach(), b.detach()) for k, b in params]
    return {"earlyStopIteration": stop[0], "testAccuracyAtEarlyStop": stop[3], "validationLossAtEarlyStop": stop[1], "finalTestAccuracy": final[3]}, trained


def prune(trained, masks, rates):
    """Per kernel: the pruneCount(rate, alive) alive weights of lowest |w| (ties by flat index) go."""
    out = []
    for i, (kernel, _) in enumerate(trained):
        scores = kernel.abs().reshape(-1).numpy()
        alive = np.ones(scores.shape[0], dtype=bool) if masks is None else masks[i].reshape(-1).numpy() > 0
        alive_index = np.flatnonzero(alive)
        count = prune_count(rates[i], alive_index.shape[0])
        order = np.argsort(scores[alive_index], kind="stable")
        kept = alive.copy()
        kept[alive_index[order[:count]]] = False
        out.append(torch.from_numpy(kept.astype(np.float32)).reshape(kernel.shape))
    return out


def remaining_fraction(masks, layers):
    sizes = [layers[i] * layers[i + 1] for i in range(len(layers) - 1)]
    if masks is None:
        return 1.0
    return sum(int(m.sum().item()) for m in masks) / sum(sizes)


def run_seed(job):
    """Every training run of one seed, in our schedule's order; returns the result rows."""
    config, seed = job
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    data = load_data(config)
    n = data["train"][0].shape[0]
    epochs = math.ceil(config["T"] / math.ceil(n / config["batchSize"]))
    g = generator(seed, "data-order")
    orders = [torch.randperm(n, generator=g) for _ in range(epochs)]
    layers = config["layerSizes"]
    theta0 = glorot_normal(layers, seed, "init")
    reinit = glorot_normal(layers, seed, "reinit")
    rates = kernel_rates(config)
    random_levels = random_prune_levels(config)
    rows = []
    masks = None
    for level in range(config["rounds"] + 1):
        runs = [("ticket", theta0, masks)]
        if level > 0 and config["reinit"]:
            runs.append(("reinit", reinit, masks))
        if level > 0 and level in random_levels:
            g = generator(seed, "random-prune", f"level-{level:02d}")
            shuffled = [m.reshape(-1)[torch.randperm(m.numel(), generator=g)].reshape(m.shape) for m in masks]
            runs.append(("random-prune", theta0, shuffled))
        next_masks = masks
        for branch, start, branch_masks in runs:
            started = time.perf_counter()
            summary, trained = train_round(config, data, orders, start, branch_masks)
            row = {"branch": branch, "level": level, "remaining": remaining_fraction(branch_masks, layers), "seed": seed, "iterations": config["T"], **summary, "engine": "pytorch"}
            rows.append(row)
            print(f"seed {seed} {branch} level {level}: {time.perf_counter() - started:.1f} s, test accuracy at early stop {summary['testAccuracyAtEarlyStop']:.4f} (iteration {summary['earlyStopIteration']})", file=sys.stderr, flush=True)
            if branch == "ticket" and level < config["rounds"]:
                next_masks = prune(trained, masks, rates)
        masks = next_masks
    return rows


def main():
    parser = argparse.ArgumentParser(description="The LTH experiment of an lth config, in PyTorch (see the docstring).")
    parser.add_argument("--config", required=True)
    parser.add_argument("--out", help="JSON lines file for the result rows (default: none)")
    parser.add_argument("--workers", type=int, default=None, help="processes, one seed each (default: the config's workers)")
    parser.add_argument("--seeds", help="comma-separated subset of the config's seeds")
    parser.add_argument("--plan", action="store_true", help="print what would run (data, iterations, levels) and exit")
    args = parser.parse_args()
    try:
        config = read_config(args.config)
        if args.seeds:
            wanted = [int(s) for s in args.seeds.split(",")]
            for s in wanted:
                if s not in config["seeds"]:
                    refuse("--seeds", f"{s} is not one of the config's seeds {config['seeds']}")
            config["seeds"] = wanted
        folder = dataset_dir(config)
        random_prune_levels(config)
        kernel_rates(config)
        train_count = read_idx(os.path.join(folder, FILES[1])).shape[0] - config["validationSize"]
        if train_count < 1:
            refuse("validationSize", f"must be below the {train_count + config['validationSize']} training images")
        per_epoch = math.ceil(train_count / config["batchSize"])
        config["T"] = int(config["iterations"]) if config["iterations"] is not None else int(config["epochsPerRound"]) * per_epoch
    except Refused as error:
        print(f"lth_experiment.py: {error}", file=sys.stderr)
        sys.exit(2)
    except FileNotFoundError as error:
        print(f"lth_experiment.py: {error}", file=sys.stderr)
        sys.exit(3)
    workers = max(1, min(args.workers or config["workers"], len(config["seeds"])))
    if args.plan:
        remaining = predicted_remaining(config)
        print(json.dumps({"data": folder, "trainCount": train_count, "iterations": config["T"], "seeds": config["seeds"], "workers": workers, "kernelRates": kernel_rates(config), "remaining": remaining, "randomPruneLevels": random_prune_levels(config), "networksPerSeed": 1 + config["rounds"] * (1 + int(config["reinit"])) + len(random_prune_levels(config))}))
        return
    print(f"lth_experiment.py: {config['name']}, seeds {config['seeds']}, {config['rounds']} rounds of {config['T']} iterations, data {folder}, {workers} process(es) of 1 thread, torch {torch.__version__}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    jobs = [(config, seed) for seed in config["seeds"]]
    if workers == 1:
        results = [run_seed(job) for job in jobs]
    else:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            results = pool.map(run_seed, jobs, chunksize=1)
    rows = [row for seed_rows in results for row in seed_rows]
    if args.out:
        temporary = f"{args.out}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row) + "\n")
        os.replace(temporary, args.out)
    print(json.dumps({"networks": len(rows), "seconds": time.perf_counter() - started, "workers": workers, "threads": 1, "torch": torch.__version__, "iterations": config["T"]}))


if __name__ == "__main__":
    main()

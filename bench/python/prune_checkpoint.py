"""PyTorch peer of `sparse prune --scope global` for bench/prune-checkpoint.ts.

    /usr/bin/python3 bench/python/prune_checkpoint.py IN.safetensors OUT.safetensors --sparsity 0.9 [--threads 1]

Loads every tensor of a safetensors checkpoint (with the `safetensors` package when it is
installed, else by parsing the header with struct + json and wrapping each tensor's bytes with
torch.frombuffer, the same bytes either way), wraps each float tensor of rank >= 2 as the
`weight` of a bare nn.Module (as `sparse prune` prunes every float tensor of rank >= 2), runs
`torch.nn.utils.prune.global_unstructured(..., pruning_method=prune.L1Unstructured, amount=S)`,
then `prune.remove` on each, and saves every tensor (the pruned ones and the others unchanged)
in the input's order as safetensors (the package's `save_file`, else written by hand). Prints one
JSON line: the loader used, the seconds of each phase, ru_maxrss, torch's version and threads.
"""
import argparse
import json
import resource
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.utils.prune as prune

DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool,
}
NAMES = {dtype: name for name, dtype in DTYPES.items()}

try:
    from safetensors.torch import load_file, save_file  # type: ignore
    LOADER = "safetensors"
except ImportError:
    load_file = None
    save_file = None
    LOADER = "header parsed by hand + torch.frombuffer (no safetensors package)"


def read_header(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    metadata = header.pop("__metadata__", None)
    tensors = sorted(header.items(), key=lambda item: item[1]["data_offsets"][0])
    return 8 + n, tensors, metadata


def load(path):
    """Every tensor of the file, in data order, and the metadata."""
    start, tensors, metadata = read_header(path)
    if load_file is not None:
        loaded = load_file(path)
        return {name: loaded[name] for name, _ in tensors}, metadata
    out = {}
    with open(path, "rb") as f:
        for name, info in tensors:
            begin, end = info["data_offsets"]
            f.seek(start + begin)
            buffer = bytearray(end - begin)
            f.readinto(buffer)
            dtype = DTYPES[info["dtype"]]
            flat = torch.frombuffer(buffer, dtype=dtype) if end > begin else torch.empty(0, dtype=dtype)
            out[name] = flat.reshape(info["shape"])
    return out, metadata


def save(tensors, metadata, path):
    if save_file is not None:
        save_file({name: t.contiguous() for name, t in tensors.items()}, path, metadata=metadata)
        return
    header = {}
    offset = 0
    for name, t in tensors.items():
        size = t.numel() * t.element_size()
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + size]}
        offset += size
    if metadata:
        header["__metadata__"] = metadata
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for t in tensors.values():
            t = t.contiguous()
            if t.dtype in (torch.bfloat16, torch.float16):
                t = t.view(torch.int16)
            f.write(memoryview(t.numpy()).cast("B"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--sparsity", type=float, required=True)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    tensors, metadata = load(args.input)
    loaded = time.perf_counter()
    modules = {}
    for name, t in tensors.items():
        if t.dim() >= 2 and t.is_floating_point() and t.numel() > 0:
            module = nn.Module()
            module.weight = nn.Parameter(t, requires_grad=False)
            modules[name] = module
    prune.global_unstructured([(m, "weight") for m in modules.values()], pruning_method=prune.L1Unstructured, amount=args.sparsity)
    for module in modules.values():
        prune.remove(module, "weight")
    for name, module in modules.items():
        tensors[name] = module.weight.detach()
    del modules
    pruned = time.perf_counter()
    save(tensors, metadata, args.output)
    saved = time.perf_counter()
    print(json.dumps({
        "loader": LOADER,
        "seconds": {"load": loaded - started, "prune": pruned - loaded, "save": saved - pruned, "total": saved - started},
        "ru_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
    }))
    sys.stdout.flush()


if __name__ == "__main__":
    main()

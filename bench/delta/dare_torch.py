"""PyTorch peer of `sparse dare` for bench/delta/bench-dare.ts (random DARE, rescale 1/(1-p)).

    /usr/bin/python3 bench/delta/dare_torch.py BASE FINETUNED OUT --rate 0.9 --seed 0

Reads both safetensors files one tensor at a time (header parsed with struct + json, tensor bytes
read at their offsets and wrapped with torch.frombuffer: the `safetensors` package is not
needed), computes out = base + bernoulli_keep(1 - p) * (finetuned - base) / (1 - p) in float32,
casts back to the fine-tuned dtype, and writes a safetensors file with the fine-tuned header
(header first, then each tensor in data order; temporary file renamed at the end). Tensors whose
name matches --exclude (default: the heads, as @sparse/delta) or that are not floats are copied.
This is how mergekit's DARE works per tensor (`torch.bernoulli` on a full_like density tensor),
written with in-place operations. Prints one JSON line with the time and ru_maxrss.
"""
import argparse
import hashlib
import json
import os
import re
import resource
import struct
import sys
import time

import torch

DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool,
}
FLOATS = {"F64", "F32", "F16", "BF16"}
DEFAULT_EXCLUDE = r"(^|[./_:-])(classifier|lm_head|head|score)([./_:-]|$)"


def read_header(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        raw = f.read(n)
    header = json.loads(raw)
    header.pop("__metadata__", None)
    tensors = sorted(header.items(), key=lambda item: item[1]["data_offsets"][0])
    return 8 + n, raw, tensors


def read_tensor(f, start, info):
    begin, end = info["data_offsets"]
    f.seek(start + begin)
    buffer = bytearray(end - begin)
    f.readinto(buffer)
    return torch.frombuffer(buffer, dtype=DTYPES[info["dtype"]]) if end > begin else torch.empty(0, dtype=DTYPES[info["dtype"]])


def to_buffer(tensor):
    if tensor.dtype in (torch.bfloat16, torch.float16):
        return tensor.view(torch.int16).numpy()
    if tensor.dtype == torch.bool:
        return tensor.view(torch.uint8).numpy()
    return tensor.numpy()


def tensor_seed(seed, name):
    return int.from_bytes(hashlib.sha256(f"{seed}/dare/{name}".encode()).digest()[:8], "little") & ((1 << 63) - 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("finetuned")
    parser.add_argument("out")
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--exclude", default=DEFAULT_EXCLUDE)
    args = parser.parse_args()
    started = time.perf_counter()
    p = args.rate
    base_start, _, base_tensors = read_header(args.base)
    tuned_start, tuned_raw, tuned_tensors = read_header(args.finetuned)
    exclude = re.compile(args.exclude)
    base_info = dict(base_tensors)
    for name, info in tuned_tensors:
        if exclude.search(name):
            continue
        other = base_info.get(name)
        if other is None or other["shape"] != info["shape"] or other["dtype"] != info["dtype"]:
            sys.exit(f"mismatch on {name}")
    temporary = f"{args.out}.{os.getpid()}.tmp"
    dropped = total = 0
    with open(args.base, "rb") as fb, open(args.finetuned, "rb") as ff, open(temporary, "wb") as out:
        out.write(struct.pack("<Q", len(tuned_raw)))
        out.write(tuned_raw)
        for name, info in tuned_tensors:
            tuned = read_tensor(ff, tuned_start, info)
            if exclude.search(name) or info["dtype"] not in FLOATS:
                out.write(to_buffer(tuned))
                continue
            base = read_tensor(fb, base_start, base_info[name]).float()
            delta = tuned.float().sub_(base)
            del tuned
            generator = torch.Generator().manual_seed(tensor_seed(args.seed, name))
            keep = torch.empty_like(delta).bernoulli_(1.0 - p, generator=generator)
            dropped += int(keep.numel() - keep.sum().item())
            total += keep.numel()
            if p < 1:
                delta.mul_(keep).div_(1.0 - p)
            else:
                delta.zero_()
            del keep
            result = delta.add_(base).to(DTYPES[info["dtype"]])
            del base, delta
            out.write(to_buffer(result))
            del result
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, args.out)
    seconds = time.perf_counter() - started
    print(json.dumps({
        "seconds": seconds,
        "maxRssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "realizedRate": dropped / max(1, total),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reference fixtures for @sparse/cli, made with PyTorch.

Regenerate (PyTorch on CPU, Debian's python3-torch is enough; no `safetensors` package needed):

    /usr/bin/python3 packages/cli/scripts/make-torch-fixtures.py [--out packages/cli/test/fixtures]

Writes, into the output folder:

* torch-weights.safetensors: a small seeded model in PyTorch layout (three Linear layers, one
  Conv2d, with biases), float32, every |w| distinct so magnitude pruning has no ties.
* torch-masks-{global,layerwise}-<amount>.safetensors: the masks (U8, 1 = kept) PyTorch computes
  with torch.nn.utils.prune.global_unstructured(..., L1Unstructured, amount) over all weight
  tensors, and with prune.l1_unstructured(module, 'weight', amount) per module. The amounts include
  cases where amount * n is x.5 (Python's round() then rounds to even) or just above it.
* torch-dtypes.safetensors + torch-dtypes.json: one tensor per dtype PyTorch has a safetensors name
  for, with the expected values, to check that our reader agrees on the layout.
* torch-conversions.safetensors + torch-conversions.json: float32 values (edge cases and random)
  with PyTorch's .half() and .bfloat16() of them, to check our F16/BF16 rounding bit for bit.

The safetensors files are laid out by this script with struct and json, the way the reference
(Rust) writer does it: 8-byte little-endian header length, compact JSON with __metadata__ first,
padded with spaces to a multiple of 8, tensor bytes in header order.
"""
import argparse
import json
import math
import os
import struct

import torch
import torch.nn as nn
import torch.nn.utils.prune as prune

AMOUNTS = [0.1, 0.25, 0.45, 0.55, 0.75, 0.9, 0.99]

DTYPES = {
    torch.float64: "F64",
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.int16: "I16",
    torch.int8: "I8",
    torch.uint8: "U8",
    torch.bool: "BOOL",
}


def tensor_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.view(torch.int16)
    data = t.numpy().tobytes()
    assert len(data) == t.numel() * t.element_size()
    return data


def save_safetensors(path, tensors, metadata=None):
    """tensors: list of (name, tensor), stored in this order."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    blobs = []
    offset = 0
    for name, t in tensors:
        data = tensor_bytes(t)
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * ((8 - len(encoded) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for data in blobs:
            f.write(data)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.fc1 = nn.Linear(20, 16)
        self.fc2 = nn.Linear(16, 10)
        self.fc3 = nn.Linear(10, 5)


def make_net():
    torch.manual_seed(20240611)
    net = Net()
    weights = torch.cat([m.weight.detach().abs().flatten() for m in pruned_modules(net)])
    assert weights.unique().numel() == weights.numel(), "tie in |w|: change the seed"
    return net


def pruned_modules(net):
    return [net.conv, net.fc1, net.fc2, net.fc3]


def named_parameters(net):
    return [(name, p.detach().clone()) for name, p in net.named_parameters()]


def masks_of(net):
    return [(f"{name}.weight", getattr(m, "weight_mask").to(torch.uint8)) for name, m in net.named_children()]


def conversions():
    edge = [0.0, -0.0, 1.0, -2.0, 65504.0, 65519.0, 65520.0, 1e6, math.inf, -math.inf, math.nan,
            2.0 ** -14, 2.0 ** -14 - 2.0 ** -24, 2.0 ** -24, 2.0 ** -25, 3 * 2.0 ** -25, 2.0 ** -26,
            1 + 2.0 ** -11, 1 + 3 * 2.0 ** -11, 1 + 2.0 ** -8, 1 + 3 * 2.0 ** -8, 0.1, 1 / 3,
            1e-40, 1e-45, 3.38953e38, 3.4028234e38, -3.4028234e38]
    generator = torch.Generator().manual_seed(7)
    scales = torch.pow(2.0, torch.randint(-30, 20, (400,), generator=generator).float())
    values = torch.cat([torch.tensor(edge, dtype=torch.float32), torch.randn(400, generator=generator) * scales])
    # Exact ties for both formats: random float32 whose dropped bits are exactly one half.
    ties = torch.randint(-2 ** 31, 2 ** 31 - 1, (64,), generator=generator, dtype=torch.int64)
    ties16 = ((ties & ~0x1FFF) | 0x1000) & 0x47FFFFFF  # F16 half-ulp, within F16 range
    ties_bf = (ties & ~0xFFFF) | 0x8000
    values = torch.cat([values, ties16.to(torch.int32).view(torch.float32), ties_bf.to(torch.int32).view(torch.float32)])
    return values


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(here, "..", "test", "fixtures"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)

    net = make_net()
    weights = named_parameters(net)
    meta = {"producer": "make-torch-fixtures.py", "torch": torch.__version__}
    save_safetensors(os.path.join(args.out, "torch-weights.safetensors"), weights, meta)

    for amount in AMOUNTS:
        g = make_net()
        prune.global_unstructured([(m, "weight") for m in pruned_modules(g)], pruning_method=prune.L1Unstructured, amount=amount)
        save_safetensors(os.path.join(args.out, f"torch-masks-global-{amount}.safetensors"), masks_of(g), {"amount": repr(amount), "scope": "global"})
        l = make_net()
        for m in pruned_modules(l):
            prune.l1_unstructured(m, "weight", amount=amount)
        save_safetensors(os.path.join(args.out, f"torch-masks-layerwise-{amount}.safetensors"), masks_of(l), {"amount": repr(amount), "scope": "layerwise"})

    generator = torch.Generator().manual_seed(3)
    base = torch.randn(2, 3, generator=generator)
    typed = [
        ("f64", base.double()), ("f32", base), ("f16", base.half()), ("bf16", base.bfloat16()),
        ("i64", torch.tensor([[-(2 ** 40), -1, 0], [1, 2 ** 40, 7]], dtype=torch.int64)),
        ("i32", torch.tensor([-(2 ** 31), -1, 2 ** 31 - 1], dtype=torch.int32)),
        ("i16", torch.tensor([-32768, 32767], dtype=torch.int16)),
        ("i8", torch.tensor([[-128, 127]], dtype=torch.int8)), ("u8", torch.tensor([0, 255, 1], dtype=torch.uint8)),
        ("bool", torch.tensor([True, False, True])), ("scalar", torch.tensor(2.5)), ("empty", torch.zeros(0, 4)),
    ]
    save_safetensors(os.path.join(args.out, "torch-dtypes.safetensors"), typed, {"note": "layout check"})
    expected = {}
    for name, t in typed:
        as_float = t.float() if t.dtype in (torch.float16, torch.bfloat16) else t
        expected[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "values": as_float.flatten().tolist()}
    with open(os.path.join(args.out, "torch-dtypes.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")

    values = conversions()
    save_safetensors(os.path.join(args.out, "torch-conversions.safetensors"), [("f32", values), ("f16", values.half()), ("bf16", values.bfloat16())])
    with open(os.path.join(args.out, "torch-conversions.json"), "w") as f:
        json.dump({
            "f32_bits": values.view(torch.int32).tolist(),
            "f16_bits": (values.half().view(torch.int16).to(torch.int32) & 0xFFFF).tolist(),
            "bf16_bits": (values.bfloat16().view(torch.int16).to(torch.int32) & 0xFFFF).tolist(),
        }, f)
        f.write("\n")


if __name__ == "__main__":
    main()

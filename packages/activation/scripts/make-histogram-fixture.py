"""Reference outputs of CATS's histogram threshold (numpy), for src/calibration/histogram.test.ts.

CATS (ScalingIntelligence/CATS, experiments/models/sparse_silu/ugly_utils.py) bins |SiLU(x)| with
edges [-inf, linspace(-1, 1, 998), +inf] (torch.histogram: half-open bins, last one closed),
normalises the counts and takes edges[searchsorted(cumsum, sparsity, side="right")].
numpy's histogram and searchsorted have the same semantics.

Regenerate:  python3 packages/activation/scripts/make-histogram-fixture.py
"""
import json
import pathlib

import numpy as np

rng = np.random.default_rng(20240422)
pre = (rng.standard_normal(4000) * 0.8).astype(np.float32)
post = pre / (1 + np.exp(-pre.astype(np.float64)))
values = np.abs(post).astype(np.float32)
edges = np.concatenate([[-np.inf], np.linspace(-1, 1, 998).astype(np.float32).astype(np.float64), [np.inf]])
counts, _ = np.histogram(values.astype(np.float64), bins=edges)
cdf = np.cumsum(counts / counts.sum())
targets = [0.0, 0.1, 0.25, 0.5, 0.7, 0.9, 0.95]
thresholds = [float(edges[np.searchsorted(cdf, t, side="right")]) for t in targets]
out = {
    "note": "made by packages/activation/scripts/make-histogram-fixture.py (numpy %s)" % np.__version__,
    "values": [float(v) for v in values],
    "counts": [int(c) for c in counts],
    "targets": targets,
    "thresholds": thresholds,
}
path = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "cats-histogram.json"
path.write_text(json.dumps(out) + "\n")
print("wrote", path)

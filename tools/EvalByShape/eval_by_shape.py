#!/usr/bin/env python3
"""By drawn shape, from `semanticgen eval --json` files (generated or --reconstruction): how many clips read as their
shape, what the others read as, and the median fill ratio the scorer measured (drawn: square 1.0, circle 0.785,
triangle 0.5; the scorer's boundaries are 0.89 square/circle and 0.64 circle/triangle).

    python3 tools/EvalByShape/eval_by_shape.py A.json [B.json ...]
"""
import json
import statistics
import sys
from collections import Counter

SHAPES = ("square", "circle", "triangle")


def drawn_shape(prompt):
    found = [s for s in SHAPES if f" {s} " in f" {prompt} "]
    if len(found) != 1:
        raise SystemExit(f"prompt '{prompt}' names {len(found)} of the shapes {SHAPES}, expected exactly one")
    return found[0]


def summarise(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if "clips" not in data:
        raise SystemExit(f"{path}: no 'clips' array; is it the JSON of `semanticgen eval --json`?")
    rows = {}
    for clip in data["clips"]:
        shape = drawn_shape(clip["prompt"])
        row = rows.setdefault(shape, {"n": 0, "right": 0, "read": Counter(), "fill": []})
        row["n"] += 1
        row["right"] += bool(clip["matches"]["shape"])
        row["read"][clip["detected"].get("shape") or "none"] += 1
        fill = clip["detected"].get("measurements", {}).get("fillRatio")
        if fill is not None:
            row["fill"].append(fill)
    return data, rows


def main(paths):
    if not paths:
        raise SystemExit(__doc__)
    for path in paths:
        data, rows = summarise(path)
        accuracy = data.get("accuracy", {})
        print(f"{path} ({data.get('kind', '?')}, split {data.get('split', '?')}, N = {len(data['clips'])}): "
              f"all four {accuracy.get('allCorrect', float('nan')):.0%}, shape {accuracy.get('shape', float('nan')):.0%}")
        for shape in SHAPES:
            if shape not in rows:
                continue
            row = rows[shape]
            others = ", ".join(f"{k} {v}" for k, v in row["read"].most_common() if k != shape) or "-"
            fill = f"{statistics.median(row['fill']):.3f}" if row["fill"] else "n/a"
            print(f"  {shape:8s} {row['right']:3d} / {row['n']:3d} read right; median fill {fill}; others read as: {others}")


if __name__ == "__main__":
    main(sys.argv[1:])

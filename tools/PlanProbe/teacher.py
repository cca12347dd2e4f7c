#!/usr/bin/env python3
"""Counts stage 1's moves in a teacher-forced plan-probe run (plan-probe ... --teacher-forced).

usage: teacher.py OUT.tsv [--cases]

Per boundary s-1 -> s where the rendered story does not move (first-frame centroid of shot s within 1.5 px of the
last frame of shot s-1), "move" is the distance from the probe's reading of the sampled first slice of shot s to its
reading of the rendered last slice of shot s-1 (the context stage 1 was given). Prints the count of moves over 8 px,
by shot index (s // 8), and at the other boundaries (the story moves) the error of the sampled start against the
rendered one. --cases lists every boundary where the story does not move, with the captions (OUT.tsv.captions).
"""
import collections, math, statistics, sys

tsv = sys.argv[1]
pos = collections.defaultdict(dict)
for line in open(tsv).read().splitlines()[1:]:
    story, shot, kind, k, x, y = line.split('\t')
    pos[(int(story), kind)][(int(shot), int(k))] = (float(x), float(y))

def dist(a, b):
    return math.hypot(a[0] - b[0], a[1] - b[1]) if a and b else None

captions = {}
if '--cases' in sys.argv:
    for line in open(tsv + '.captions').read().splitlines():
        story, shot, caption = line.split('\t')
        words = caption.split()
        captions[(int(story), int(shot))] = ' '.join(words[3:words.index('on')])   # the motion

continuous, forced, by_index, cases = [], [], collections.defaultdict(lambda: [0, 0]), []
for story in sorted({s for s, _ in pos}):
    get = lambda kind, shot, k: pos[(story, kind)].get((shot, k))
    shots = 1 + max(shot for shot, _ in pos[(story, 'gt-true')])
    for s in range(1, shots):
        rendered = dist(get('gt-frame', s, 0), get('gt-frame', s - 1, 1))
        if rendered is None or get('tf', s, 0) is None:
            continue
        move = dist(get('tf', s, 0), get('gt-probe', s - 1, 3))
        error = dist(get('tf', s, 0), get('gt-probe', s, 0))
        if rendered < 1.5:
            continuous.append((move, error))
            by_index[s // 8][0] += 1
            by_index[s // 8][1] += move > 8
            if captions:
                fmt = lambda p: f"({p[0]:5.1f}, {p[1]:5.1f})"
                cases.append(f"{story} {s:2d} {captions[(story, s - 1)]:>11} -> {captions[(story, s)]:<11} ended {fmt(get('gt-frame', s - 1, 1))}"
                             f" sampled start {fmt(get('tf', s, 0))} rendered start {fmt(get('gt-probe', s, 0))} move {move:5.1f}{'  <<<' if move > 8 else ''}")
        else:
            forced.append(error)

median = lambda xs: statistics.median(xs) if xs else float('nan')
print(f"story does not move: {len(continuous)} boundaries, stage 1 moves > 8 px at {sum(m > 8 for m, _ in continuous)}; "
      f"move median {median([m for m, _ in continuous]):.2f} px, start error median {median([e for _, e in continuous]):.2f} px")
print(f"story moves: {len(forced)} boundaries, start error median {median(forced):.2f} px, over 8 px at {sum(e > 8 for e in forced)}")
print("by shot index // 8 (boundaries, moves > 8 px):", {k: tuple(v) for k, v in sorted(by_index.items())})
for case in cases:
    print(case)

"""Pools eval-long JSON files (./semanticgen eval-long ... --json FILE) over stories and compares two folders.

  python3 tools/EvalLongStats/eval_long_stats.py A1.json A2.json ... [--against B1.json B2.json ...]

Prints, for the pooled stories of A (and of B): per-shot all-correct, identity, the median boundary jump, the
share of forced moves (boundaries whose jump differs from the story-rule deviation by more than 3 px) and the jump
median / 86th percentile at the other, continuous boundaries; then the same by subject (circle, square, triangle).
With --against (the same stories in the same order), a paired bootstrap over stories (2,000 resamples, seed 0)
gives the 95 % interval of A − B for the median jump, all-correct and identity, and of A's own median jump.
"""
import json, random, statistics, sys


def stories(paths):
    out = []
    for path in paths:
        data = json.load(open(path))
        result = data['results'][0] if 'results' in data else data
        out += result['per_story']
    return out


def subject(story):
    return story['outline'].split(' on ')[0].split()[-1]


def pooled(group):
    jumps, deviations = [], []
    for story in group:
        for jump, deviation in zip(story['boundary_jumps_px'], story['rule_deviations_px']):
            if jump is not None and deviation is not None:
                jumps.append(jump)
                deviations.append(deviation)
    shots = [shot for story in group for shot in story['shots']]
    continuous = sorted(j for j, d in zip(jumps, deviations) if abs(j - d) <= 3)
    return {
        'stories': len(group),
        'all_correct': sum(shot['allCorrect'] for shot in shots) / len(shots),
        'identity': statistics.mean(story['identity_consistency'] for story in group),
        'jump_median': statistics.median(jumps),
        'forced_share': 1 - len(continuous) / len(jumps),
        'continuous_median': statistics.median(continuous),
        'continuous_p86': continuous[int(0.86 * len(continuous))],
    }


def show(name, group):
    row = pooled(group)
    print(f"{name}: {row['stories']} stories, all correct {row['all_correct']:.1%}, identity {row['identity']:.1%}, "
          f"jump median {row['jump_median']:.2f} px, forced {row['forced_share']:.0%}, "
          f"continuous median / p86 {row['continuous_median']:.2f} / {row['continuous_p86']:.2f} px")
    for kind in sorted({subject(s) for s in group}):
        row = pooled([s for s in group if subject(s) == kind])
        print(f"  {kind:9s} {row['stories']:3d} stories, all correct {row['all_correct']:.1%}, "
              f"jump median {row['jump_median']:.2f} px, forced {row['forced_share']:.0%}, "
              f"continuous p86 {row['continuous_p86']:.2f} px")


def main(argv):
    if not argv or argv[0].startswith('-'):
        sys.exit(__doc__)
    split = argv.index('--against') if '--against' in argv else len(argv)
    a, b = stories(argv[:split]), stories(argv[split + 1:])
    show('A', a)
    if not b:
        return
    show('B', b)
    if [s['outline'] for s in a] != [s['outline'] for s in b]:
        sys.exit('--against: the two sides hold different stories (or a different order); a paired bootstrap needs the same ones.')
    rng = random.Random(0)
    keys = ['jump_median', 'all_correct', 'identity']
    diffs, own = {k: [] for k in keys}, []
    for _ in range(2000):
        pick = [rng.randrange(len(a)) for _ in a]
        pa, pb = pooled([a[i] for i in pick]), pooled([b[i] for i in pick])
        for k in keys:
            diffs[k].append(pa[k] - pb[k])
        own.append(pa['jump_median'])
    for k in keys:
        v = sorted(diffs[k])
        print(f"A - B {k}: {statistics.median(v):+.3f}, 95 % interval {v[50]:+.3f} .. {v[1949]:+.3f}, below 0 in {sum(x < 0 for x in v) / len(v):.0%}")
    v = sorted(own)
    print(f"A jump median: 95 % interval {v[50]:.2f} .. {v[1949]:.2f} px, at most 4 px in {sum(x <= 4 for x in v) / len(v):.0%}")


if __name__ == '__main__':
    main(sys.argv[1:])

#!/usr/bin/env python3
"""Splits a plan-probe run's boundary moves between stage 1's plan and stage 2's rendering of it.

usage: split.py OUT.tsv [SCORES.json]   (SCORES.json defaults to OUT.tsv.json, which plan-probe writes)

Per boundary s-1 -> s: the video's jump (last frame -> first frame) and its rule deviation (eval-long's), and at the
level of z_sem slices (last slice of shot s-1, first slice of shot s; each the mean of its two tubelet frames):
  plan      the probe's positions read off stage 1's plan: how far the plan itself moves the object
  video     the true centroids of the generated video's slices
  truth     the same for the rendered story (ground truth)
  realised  |plan - video| at the end of shot s-1 and at the start of shot s: how faithfully stage 2 renders the plan
  probe     |probe(re-encoded video) - video|: the probe's own error on generated frames
Last line: at the boundaries where the rendered story does not move (< 1.5 px), how many video jumps and plan moves
exceed 8 px.
Classes (by the video's own numbers, as docs/long-video.md uses them): forced = |jump - rule deviation| > 3 px (the rule
asks for a move); unneeded = not forced and jump > 8 px (a move the rule does not ask for); ok = the rest.
"""
import collections, json, math, statistics, sys

tsv = sys.argv[1]
scores = json.load(open(sys.argv[2] if len(sys.argv) > 2 else tsv + '.json'))
scores = scores['results'][0] if 'results' in scores else scores
pos = collections.defaultdict(dict)
for line in open(tsv).read().splitlines()[1:]:
    story, shot, kind, k, x, y = line.split('\t')
    pos[(int(story), kind)][(int(shot), int(k))] = (float(x), float(y))
stories = sorted({s for s, _ in pos})
per_story = scores['per_story'][:len(stories)]

def dist(a, b):
    return math.hypot(a[0] - b[0], a[1] - b[1]) if a and b else None

rows = []
for i, story in enumerate(stories):
    get = lambda kind, shot, k: pos[(story, kind)].get((shot, k))
    shots = 1 + max(shot for shot, _ in pos[(story, 'plan')])
    for s in range(1, shots):
        rows.append(dict(
            jump=per_story[i]['boundary_jumps_px'][s - 1], rule=per_story[i]['rule_deviations_px'][s - 1],
            frame_jump=dist(get('video-frame', s, 0), get('video-frame', s - 1, 1)),
            rendered_jump=dist(get('gt-frame', s, 0), get('gt-frame', s - 1, 1)),
            plan=dist(get('plan', s, 0), get('plan', s - 1, 3)),
            video=dist(get('video-true', s, 0), get('video-true', s - 1, 3)),
            truth=dist(get('gt-true', s, 0), get('gt-true', s - 1, 3)),
            realised_end=dist(get('plan', s - 1, 3), get('video-true', s - 1, 3)),
            realised_start=dist(get('plan', s, 0), get('video-true', s, 0)),
            probe_end=dist(get('video-probe', s - 1, 3), get('video-true', s - 1, 3)),
            probe_start=dist(get('video-probe', s, 0), get('video-true', s, 0))))

def kind(r):
    if r['jump'] is None or r['rule'] is None: return 'no object'
    return 'forced' if abs(r['jump'] - r['rule']) > 3 else ('unneeded' if r['jump'] > 8 else 'ok')

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float('nan')

shots_all = [shot for r in per_story for shot in r['shots']]
jumps = [j for r in per_story for j in r['boundary_jumps_px'] if j is not None]
print(f"{len(stories)} stories: all correct {sum(s['allCorrect'] for s in shots_all) / len(shots_all):.1%}, "
      f"identity {statistics.mean(r['identity_consistency'] for r in per_story):.1%}, median jump {statistics.median(jumps):.2f} px, "
      f"rule deviation median {median(r['rule'] for r in rows):.2f} px")
keys = ['jump', 'rule', 'plan', 'video', 'truth', 'realised_end', 'realised_start', 'probe_end', 'probe_start']
print('medians, px\n| boundaries | n | ' + ' | '.join(keys) + ' |\n|---|---|' + '---|' * len(keys))
for name in ['ok', 'unneeded', 'forced', 'no object']:
    group = [r for r in rows if kind(r) == name]
    if group:
        print(f'| {name} | {len(group)} | ' + ' | '.join(f'{median(r[k] for r in group):.2f}' for k in keys) + ' |')
still = [r for r in rows if r['rendered_jump'] is not None and r['rendered_jump'] < 1.5 and r['frame_jump'] is not None]
print(f"rendered story continuous at {len(still)} boundaries: video jump > 8 px at {sum(r['frame_jump'] > 8 for r in still)}, "
      f"plan's move > 8 px at {sum(r['plan'] is not None and r['plan'] > 8 for r in still)}")

#!/usr/bin/env python3
"""Compares benchmark runs of two builds made in the same session, alternately.

Usage: compare.py --old OLD1.json OLD2.json... --new NEW1.json... [--labels OLD NEW]

For each row of falcon-bench's results it takes one headline figure (a ratio to the same run's
own baseline where the row has one: those hold best on a shared machine), averages each build's
runs and prints new/old. The noise of a row is how far the old runs spread; a change beyond
it (and beyond 3 %) is a verdict: "worse" or "better". Rows that are a run's own baseline (a raw
POST, curl, a PING, actions invoked directly) measure the machine: shown as "control", never
judged. A process's time beyond curl's can be below zero: it is judged as the whole time it
stands for (the old runs' curl time added back), so that less is better on both sides of zero.
Exits 0 whatever it finds: it informs.
"""
import argparse
import json
import sys

# Which figure speaks for a row, in order of preference, and whether more of it is better.
HEADLINES = [
    ("ratio_to_baseline", False),
    ("ms_beyond_curl", False),
    ("ratio_to_curl", False),
    ("ratio_to_c_abi", False),
    ("us_per_call_per_thread", False),
    ("aggregate_vs_one_thread", True),
    ("us_per_hit", False),
    ("step_to_action", False),
    ("per_action_us", False),
    ("tokens", False),
    ("token_requests", False),
    ("mints_per_renewal_period", False),
    ("inputs_per_second", True),
    ("wall_ms", False),
    ("p50_us", False),
]
MIN_NOISE = 0.03
#: Figures that are differences, with the figure each is a difference from: compared after it is added back.
DIFFERENCE_FROM = {"ms_beyond_curl": "curl_ms"}
#: Rows an older falcon-bench named otherwise, by their present names.
RENAMED = {
    ("5 cold start", "falcon-host run oauth2AccessToken"): ("5 cold start", "falcon-host run, minting (memory)"),
}


def rows(path):
    with open(path) as file:
        found = {RENAMED.get((row["measure"], row["contender"]), (row["measure"], row["contender"])): row["figures"] for row in json.load(file)}
    # A workflow step against the same action invoked directly, in the same run: a ratio too.
    for figures in found.values():
        if isinstance(figures.get("overhead_fraction"), (int, float)):
            figures["step_to_action"] = 1 + figures["overhead_fraction"]
    # A whole process against curl's, as the time it takes beyond curl: what launching a process
    # costs the harness (older ones paid tens of milliseconds more for it) is in both and cancels
    # out of a difference, while it would pull a ratio towards 1.
    curl_ms = {measure: figures["wall_ms"] for (measure, contender), figures in found.items()
               if contender.startswith("curl") and "(baseline)" in contender and isinstance(figures.get("wall_ms"), (int, float))}
    for (measure, _), figures in found.items():
        if measure in curl_ms and isinstance(figures.get("ratio_to_curl"), (int, float)):
            figures["ms_beyond_curl"] = (figures["ratio_to_curl"] - 1) * curl_ms[measure]
            figures["curl_ms"] = curl_ms[measure]
    return found


def is_control(contender, figure):
    """A run's own baseline (a raw POST, curl, a PING, an action invoked directly): the machine's
    speed, which the other rows are divided by."""
    return "(baseline)" in contender or figure == "per_action_us"


def headline(figures):
    for name, higher_is_better in HEADLINES:
        if isinstance(figures.get(name), (int, float)):
            return name, higher_is_better
    return None, False


def mean(values):
    return sum(values) / len(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", nargs="+", required=True, metavar="JSON")
    parser.add_argument("--new", nargs="+", required=True, metavar="JSON")
    parser.add_argument("--labels", nargs=2, default=["old", "new"])
    args = parser.parse_args()
    old_runs = [rows(path) for path in args.old]
    new_runs = [rows(path) for path in args.new]
    header = f"{'measure':22} {'contender':52} {'figure':24} {args.labels[0]:>10} {args.labels[1]:>10} {'new/old':>8} {'noise':>6}  verdict"
    print(header)
    print("-" * len(header))
    counts = {"worse": 0, "better": 0, "same": 0}
    for key in old_runs[0]:
        figure, higher_is_better = headline(old_runs[0][key])
        if figure is None or any(key not in run or figure not in run[key] for run in old_runs + new_runs):
            continue
        olds = [run[key][figure] for run in old_runs]
        news = [run[key][figure] for run in new_runs]
        old, new = mean(olds), mean(news)
        offset = mean([run[key][DIFFERENCE_FROM[figure]] for run in old_runs]) if figure in DIFFERENCE_FROM else 0
        if old + offset <= 0:
            continue
        ratio = (new + offset) / (old + offset)
        noise = max((max(olds) - min(olds)) / (old + offset), MIN_NOISE)
        change = (1 / ratio if higher_is_better and ratio else ratio) - 1
        if is_control(key[1], figure):
            verdict = "control"
        else:
            verdict = "worse" if change > noise else "better" if change < -noise else "same"
            counts[verdict] += 1
        print(f"{key[0][:22]:22} {key[1][:52]:52} {figure[:24]:24} {old:10.3f} {new:10.3f} {ratio:8.3f} {noise:6.1%}  {verdict}")
    if len(old_runs) < 2:
        parser.error("--old needs two runs at least: their spread is the noise")
    # A row one side lacks is said, not dropped: a renamed row must not vanish from the guard.
    only_new = [key for key in new_runs[0] if key not in old_runs[0]]
    only_old = [key for key in old_runs[0] if key not in new_runs[0]]
    for label, keys in ((f"only in {args.labels[1]} (no {args.labels[0]} figure)", only_new), (f"only in {args.labels[0]}", only_old)):
        for key in keys:
            figure, _ = headline((new_runs if keys is only_new else old_runs)[0][key])
            values = [run[key][figure] for run in (new_runs if keys is only_new else old_runs) if key in run and figure in run[key]] if figure else []
            shown = f"{figure} {mean(values):.3f}" if values else "no figure"
            print(f"{key[0][:22]:22} {key[1][:52]:52} {shown:36} {label}")
    print(f"\n{counts['worse']} worse, {counts['better']} better, {counts['same']} within the noise of the {len(old_runs)} {args.labels[0]} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())

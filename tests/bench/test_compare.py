"""The regression guard's verdicts (compare.py, behind scripts/bench --baseline), on runs made
up for the purpose: which way is better, the noise of the old runs, and a time beyond curl's
that is below zero."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

COMPARE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "compare.py")


def run_file(directory, name, rows):
    path = os.path.join(directory, name)
    with open(path, "w", encoding="utf-8") as file:
        json.dump([{"measure": measure, "contender": contender, "figures": figures} for measure, contender, figures in rows], file)
    return path


def bench_run(mint_ratio, validations, file_store_to_curl, curl_ms=30.0):
    return [
        ("1 token mint", "raw POST /oauth2/token (baseline)", {"p50_us": 90.0}),
        ("1 token mint", "Action::invoke oauth2AccessToken force", {"ratio_to_baseline": mint_ratio}),
        ("7 schema validation", "token input, compiled schema", {"inputs_per_second": validations}),
        ("5 cold start", "curl POST /oauth2/token (baseline)", {"wall_ms": curl_ms}),
        ("5 cold start", "falcon-host run, from the file store", {"ratio_to_curl": file_store_to_curl}),
    ]


class CompareTest(unittest.TestCase):
    def verdicts(self, old_runs, new_runs):
        with tempfile.TemporaryDirectory() as directory:
            olds = [run_file(directory, f"old-{i}.json", rows) for i, rows in enumerate(old_runs)]
            news = [run_file(directory, f"new-{i}.json", rows) for i, rows in enumerate(new_runs)]
            shown = subprocess.run([sys.executable, COMPARE, "--old", *olds, "--new", *news], check=True,
                                   capture_output=True, text=True).stdout
        return {line[23:75].strip(): line.split()[-1] for line in shown.splitlines() if line[:1].isdigit()}

    def test_each_figure_judged_the_way_it_improves(self):
        old = [bench_run(1.20, 300000, 0.78), bench_run(1.21, 303000, 0.77)]
        verdicts = self.verdicts(old, [bench_run(1.30, 200000, 0.90)])
        self.assertEqual("worse", verdicts["Action::invoke oauth2AccessToken force"])
        self.assertEqual("worse", verdicts["token input, compiled schema"])
        self.assertEqual("worse", verdicts["falcon-host run, from the file store"])
        self.assertEqual("control", verdicts["raw POST /oauth2/token (baseline)"])
        verdicts = self.verdicts(old, [bench_run(1.10, 400000, 0.70)])
        self.assertEqual("better", verdicts["Action::invoke oauth2AccessToken force"])
        self.assertEqual("better", verdicts["token input, compiled schema"])
        self.assertEqual("better", verdicts["falcon-host run, from the file store"])

    def test_a_change_within_the_old_runs_spread_is_the_same(self):
        old = [bench_run(1.10, 300000, 0.70), bench_run(1.30, 400000, 0.90)]
        verdicts = self.verdicts(old, [bench_run(1.25, 320000, 0.85)])
        self.assertEqual({"same"}, {verdicts[row] for row in ("Action::invoke oauth2AccessToken force", "token input, compiled schema",
                                                              "falcon-host run, from the file store")})

    def test_a_time_below_curls_that_shrinks_further_is_better(self):
        # 6.6 ms below curl, then 9 ms below: the difference grows in size as it gets better.
        old = [bench_run(1.2, 300000, 0.78), bench_run(1.2, 300000, 0.78)]
        self.assertEqual("better", self.verdicts(old, [bench_run(1.2, 300000, 0.70)])["falcon-host run, from the file store"])
        self.assertEqual("worse", self.verdicts(old, [bench_run(1.2, 300000, 0.85)])["falcon-host run, from the file store"])


if __name__ == "__main__":
    unittest.main()

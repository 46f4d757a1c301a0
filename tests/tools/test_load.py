"""The arithmetic of `make load` (tools/load.py); the run itself is not part of make test."""

from __future__ import annotations

from tools.load import P95_LIMIT_MS, capacity, step_table


def _result(steps: list[int], per_step_ms: list[list[float]], failed: dict[int, int] | None = None):
    records = []
    for i, values in enumerate(per_step_ms):
        records += [[i, "topic", ms, 200, True, 0.0] for ms in values]
        records += [[i, "topic", 0.0, 502, False, 0.0]] * (failed or {}).get(i, 0)
    return {"steps": steps, "step_s": 10.0, "records": records}


def test_steps_get_their_own_percentiles() -> None:
    rows = step_table(_result([10, 20], [[100.0] * 19 + [900.0], list(range(1, 101))]))
    assert [r["users"] for r in rows] == [10, 20]
    assert rows[0]["p50_ms"] == 100.0 and rows[0]["p99_ms"] == 900.0
    assert rows[1]["p95_ms"] == 95 and rows[1]["answers_per_s"] == 10.0


def test_capacity_is_the_last_step_within_the_limit_before_the_first_miss() -> None:
    fast, slow = [50.0] * 40, [P95_LIMIT_MS + 100] * 40
    rows = step_table(_result([25, 50, 75, 100], [fast, fast, slow, fast]))
    assert capacity(rows) == 50  # a lucky step after a miss does not count


def test_a_failed_answer_fails_the_step() -> None:
    rows = step_table(_result([25, 50], [[50.0] * 40, [50.0] * 40], failed={1: 1}))
    assert capacity(rows) == 25


def test_the_figures_in_the_docs_are_the_reports() -> None:
    """docs/development.md quotes the last `make load` run; the figures must be the report's."""
    from tests.support.reports import report_and_quote

    report, section = report_and_quote("load.json", "development.md", "<!-- LOAD-FIGURES")
    cpu, cap = report["per_turn_cpu_ms"], report["capacity"]
    wanted = [report["date"], f"topic {cpu['topic']} ms", f"small talk {cpu['small_talk']} ms",
              f"glossary {cpu['glossary']} ms", f"cold start {report['cold_start_s']} s",
              f"one instance {cap['one_instance_users']}", f"two instances {cap['two_instances_users']} users",
              f"stock Rasa {cap['stock_rasa_users']}", f"scale-out ratio {report['scaleout_ratio']}",
              f"{report['instance_lost']['failed_answers']} failed answers of {report['instance_lost']['messages']}",
              f"{report['instance_lost']['events_lost']} events lost",
              f"turn 1 {report['long_conversation']['turn_1_cpu_ms']} ms against turn 200 "
              f"{report['long_conversation']['turn_200_cpu_ms']} ms", f"NLU alone {report['nlu_parse_cpu_ms']} ms"]
    assert [w for w in wanted if w not in section] == []
    missed = [k for k, v in report["targets_met"].items() if not v]
    assert f"Targets not met: {', '.join(missed) or 'none'}." in section


def test_the_warm_up_counts_in_no_step_and_runs_the_first_steps_users() -> None:
    """tools/locustfile.py in its own process (importing Locust patches the standard library)."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    tools = Path(__file__).resolve().parents[2] / "tools"
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import locustfile as l\n"
            "shape = l.StepShape()\n"
            "out = {'steps': [l.step_at(t) for t in (0, 29.9, 30, 44.9, 45, 60)], 'ticks': []}\n"
            "for t in (0, 29.9, 30, 45, 60):\n"
            "    shape.get_run_time = lambda t=t: t\n"
            "    out['ticks'].append(shape.tick())\n"
            "print(json.dumps(out))")
    env = {**os.environ, "GT_LOAD_STEPS": "25,50,75", "GT_LOAD_STEP_S": "15", "GT_LOAD_WARMUP_S": "30"}
    done = subprocess.run([sys.executable, "-c", code, str(tools)], env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["steps"] == [-1, -1, 0, 0, 1, 2]
    assert out["ticks"] == [[25, 25], [25, 25], [25, 25], [50, 50], [75, 75]]
    # a warm-up record (step -1) is in no row of the table
    rows = step_table({"steps": [25], "step_s": 15.0,
                       "records": [[-1, "topic", 5000.0, 200, True, 0.0], [0, "topic", 50.0, 200, True, 0.0]]})
    assert rows[0]["answers"] == 1 and rows[0]["p95_ms"] == 50.0

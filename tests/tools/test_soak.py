"""The soak run's bookkeeping (the run itself is `make soak`, outside `make test`)."""

from __future__ import annotations

from tools import soak


def test_every_twentieth_conversation_fills_in_the_contact_form() -> None:
    kinds = [soak.talk(n) is soak.CONTACT_TALK for n in range(40)]
    assert kinds.count(True) == 2 and kinds[19] and kinds[39]
    assert all(len(soak.talk(n)) <= 12 for n in range(40))  # far below 20 messages a minute


def test_the_addresses_keep_each_one_under_the_rate_limits() -> None:
    """10,000 messages in 15 minutes over the pool: well under 20 a minute per address."""
    per_minute = 10_000 / 15
    assert per_minute / len(soak.ADDRESSES) < 20 * 0.75
    assert len(set(soak.ADDRESSES)) == len(soak.ADDRESSES) and all(a.startswith("127.") for a in soak.ADDRESSES)


def test_summary_counts_errors_and_memory_growth_against_the_targets() -> None:
    results = [soak.Result(0.1, True)] * 98 + [soak.Result(2.0, False, "http 429"), soak.Result(1.0, False, "timeout")]
    memory = {"rasa": {"launch_mb": 1500, "start_mb": 1600, "end_mb": 1700},
              "actions": {"launch_mb": 200, "start_mb": 210, "end_mb": 212}}
    report = soak.summarize(results, 10.0, memory, 100, 15)
    assert report["errors"] == 2 and report["errors_by_kind"] == {"http 429": 1, "timeout": 1}
    assert report["memory_mb"]["rasa"]["growth_pct"] == 6.2
    assert report["memory_mb"]["actions"]["growth_pct"] == 1.0
    assert report["targets_met"] == {"errors": False, "memory_growth": True, "all_messages_sent": True,
                                     "within_time": True}
    grown = soak.summarize(results[:98], 10.0, {"rasa": {"launch_mb": 1, "start_mb": 100, "end_mb": 111}}, 100, 15)
    assert grown["targets_met"]["memory_growth"] is False and grown["targets_met"]["all_messages_sent"] is False


def test_run_messages_stops_at_the_total_and_at_the_deadline() -> None:
    import time

    sent = soak.run_messages(lambda number, left: [soak.Result(0.0, True)] * min(5, left), 23, 4,
                             time.monotonic() + 10)
    assert len(sent) == 23
    late = soak.run_messages(lambda number, left: [soak.Result(0.0, True)], 50, 2, time.monotonic() - 1)
    assert late == []


def test_the_pacer_spaces_calls_over_all_threads() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        now[0] += seconds

    pacer = soak.Pacer(4.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        pacer.wait()
    assert slept == [0.25, 0.25, 0.25, 0.25]  # the first at once, then 4 a second
    now[0] += 10  # after a pause no burst is saved up
    pacer.wait()
    assert len(slept) == 4


def test_the_default_rate_keeps_every_address_under_its_limit() -> None:
    rate = soak.default_rate(10_000, 15)
    assert 10_000 / rate <= 15 * 60 * 0.8 + 1  # done within the time allowed, with room
    assert rate * 60 / len(soak.ADDRESSES) < 20 * 0.75  # messages a minute per address


def test_progress_can_read_the_results_while_they_come_in() -> None:
    import time

    shared: list = []
    seen: list[int] = []

    def talk(number: int, left: int) -> list:
        seen.append(len(shared))
        return [soak.Result(0.0, True)] * min(3, left)

    soak.run_messages(talk, 9, 1, time.monotonic() + 10, shared)
    assert len(shared) == 9 and seen == [0, 3, 6]


def test_the_figures_in_the_docs_are_the_reports() -> None:
    """docs/operations.md quotes the last `make soak` run; the figures must be the report's."""
    from tests.support.reports import report_and_quote

    report, section = report_and_quote("soak.json", "operations.md", "<!-- SOAK-FIGURES")
    wanted = [report["date"], f"{report['messages']:,} messages", f"{report['seconds']:.0f} s",
              f"{report['errors']} errors", f"p95 {report['latency_ms']['p95']} ms",
              f"Rasa server {report['memory_mb']['rasa']['growth_pct']} %",
              f"action server {report['memory_mb']['actions']['growth_pct']} %"]
    assert [w for w in wanted if w not in section] == []
    assert ("Both targets are met" in section) == (report["targets_met"]["errors"]
                                                   and report["targets_met"]["memory_growth"])

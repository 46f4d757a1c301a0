from tools.bench import percentile, summarize


def test_percentile_picks_the_right_rank() -> None:
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile([7.0], 95) == 7.0


def test_summarize_reports_milliseconds_and_rate() -> None:
    s = summarize([0.010, 0.020, 0.030, 0.040], wall=2.0)
    assert s["count"] == 4
    assert s["p50_ms"] == 25.0
    assert s["max_ms"] == 40.0
    assert s["messages_per_s"] == 2.0


def test_run_load_spreads_messages_over_the_conversations() -> None:
    from tools.bench import run_load

    seen: list[tuple[int, str]] = []

    def send(conv: int, text: str):
        seen.append((conv, text))
        return (200, [{"text": "ok"}]) if text != "bedankt" else (500, "")

    summary = run_load(send, conversations=3, total=30)
    assert summary["count"] == 30 and len(seen) == 30
    assert {conv for conv, _ in seen} == {0, 1, 2}
    assert summary["errors"] == sum(1 for _, text in seen if text == "bedankt") > 0


def test_the_patch_figures_in_the_docs_are_the_reports_and_only_what_pays_is_shipped() -> None:
    from bot.services.settings import KNOWN_PATCHES
    from tests.support.reports import report_and_quote

    report, section = report_and_quote("patches.json", "development.md", "<!-- PATCH-FIGURES")
    gains = report["gains"]
    wanted = [report["date"], f"{report['none_cpu_ms_per_turn']} ms CPU per turn", f"{report['noise_ms']} ms",
              *(f"{gains[name]['gain_ms_per_turn']} ms" for name in gains if name != "all"),
              f"{report['none_start_s']} s", *(f"{gains[name]['start_s']} s" for name in gains if name != "all")]
    assert [w for w in wanted if w not in section] == []
    # every shipped patch paid in the last measurement; one that did not is gone
    assert all(gains[name]["pays"] for name in KNOWN_PATCHES)
    assert not [name for name, g in gains.items() if name != "all" and not g["pays"] and name in KNOWN_PATCHES]


def test_a_patch_pays_by_cpu_beyond_the_noise_or_a_fifth_off_the_start() -> None:
    from tools.bench_patches import pays

    assert pays(10.0, 5.0, 0.0, 60.0)  # CPU gain beyond the noise
    assert not pays(4.0, 5.0, 0.0, 60.0)  # within the noise
    assert not pays(0.4, 0.0, 0.0, 60.0)  # under half a millisecond is nothing
    assert pays(-2.0, 5.0, 30.0, 60.0)  # half the start
    assert not pays(-2.0, 5.0, 10.0, 60.0)  # a sixth of the start: not enough

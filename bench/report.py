"""Write the results of `make bench` (var/bench/*.json) into docs/performance.md and the README,
between the markers `<!-- bench:begin -->` and `<!-- bench:end -->`; the text around them is kept."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, load  # noqa: E402

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
PAGE_GOAL_MS, PAGE_GOAL_RATIO, SWEEP_GOAL_S, LOAD_GOAL_P95 = 150, 2.0, 60, 300


def replace_between(path: Path, body: str, heading: str) -> None:
    text = path.read_text() if path.exists() else f"{heading}\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text = text.rstrip() + f"\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{body.strip()}\n{END}{tail}")


def fmt(value, digits=1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def machine_line(run) -> str:
    m = run["machine_before"]
    after = run["machine_after"]["loadavg"]
    return (f"{m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM, PostgreSQL {m['postgresql']}, Python "
            f"{m['python']}; load average (1/5/15 min) {m['loadavg'][0]:.1f}/{m['loadavg'][1]:.1f}/"
            f"{m['loadavg'][2]:.1f} before and {after[0]:.1f}/{after[1]:.1f}/{after[2]:.1f} after the run "
            "(the CPU is shared with other engineers' test runs: absolute times vary, ratios less so)")


def pages_table(pages) -> list[str]:
    lines = ["| page | median | p90 | queries | floor (SQL + render) | ratio to floor | goal ≤ 2× and < 150 ms |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for p in pages["pages"]:
        fast, close = p["median_ms"] < PAGE_GOAL_MS, (p["ratio"] or 99) <= PAGE_GOAL_RATIO
        goal = "met" if fast and close else "not met: " + ", ".join(
            x for x, bad in [(f"{p['ratio']}×", not close), (f"{p['median_ms']:.0f} ms", not fast)] if bad)
        rows = "" if p["same_rows"] in (None, True) else " (rows differ!)"
        lines.append(f"| {p['page']} | {p['median_ms']:.1f} ms | {p['p90_ms']:.1f} ms | {p['queries']} | "
                     f"{p['floor_ms']:.1f} ms ({p['floor_sql_ms']:.1f} + {p['floor_render_ms']:.1f}){rows} | "
                     f"{p['ratio']}× | {goal} |")
    return lines


SWEEP_GOAL_RATIO, SWEEP_GOAL_SPEEDUP = 15, 1.5  # issue 16: sweep ≤ 15× its floor, two sweepers ≥ 1.5× faster


def sweep_lines(s) -> list[str]:
    """Issue 16: the sweep against its floor (bulk UPDATE + audit INSERT of the same run), two sweepers,
    and the delivery of all the approvals' notifications."""
    n = s["notices"]
    single, two, floor = s["single"], s["two_sweepers"], s["floor"]
    floor_s = floor["update_and_audit_insert"]["seconds"]
    ok2 = two["check"]
    correct = (ok2["approved_state"] == n and ok2["returned_twice"] == 0 and ok2["without_audit_record"] == 0
               and ok2["with_several_audit_records"] == 0 and ok2["returned_by_sweepers"] == n)
    ratio = s.get("ratio_to_floor_with_audit") or round(single["seconds"] / max(floor_s, 1e-6), 1)
    speedup = s.get("speedup_two_sweepers") or round(single["seconds"] / max(two["seconds"], 1e-6), 2)
    batch = s.get("batch_size")
    lines = [
        "| run | notices | time | per notice | ratio to the floor | check |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
        f"| `sweep_approvals()`, one process ({f'batches of {batch}: ' if batch else ''}django-fsm per notice, "
        "one guarded UPDATE + one audit INSERT + one delivery task to Redis per batch) | "
        f"{n:,} | {single['seconds']:.2f} s | {single['per_notice_ms']:.3f} ms | {ratio}× | "
        f"{single['check']['approved_state']:,} approved, {single['check']['without_audit_record']} without audit "
        "record |",
        f"| two sweeper processes at once (released together after their start-up) | {n:,} | "
        f"{two['seconds']:.2f} s | {two['per_notice_ms']:.3f} ms | "
        f"{round(two['seconds'] / max(floor_s, 1e-6), 1)}× | "
        f"{'correct' if correct else 'WRONG'}: {ok2['approved_state']:,} approved, split "
        f"{' + '.join(f'{x:,}' for x in ok2['per_sweeper'])}, {ok2['returned_twice']} twice, "
        f"{ok2['with_several_audit_records']} with several audit records; {speedup}× faster than one |",
        f"| floor: one bulk SQL `UPDATE` + one `INSERT … SELECT` of the audit rows | "
        f"{floor['update_and_audit_insert']['rows']:,} | {floor_s:.2f} s | {floor_s * 1000 / n:.3f} ms | 1× | "
        "no notifications |",
        f"| for reference: the bulk `UPDATE` alone | {floor['update']['rows']:,} | "
        f"{floor['update']['seconds']:.2f} s | {floor['update']['seconds'] * 1000 / n:.3f} ms | "
        f"{round(floor['update']['seconds'] / max(floor_s, 1e-6), 2)}× | no audit, no notifications |",
    ]
    d = s.get("delivery")
    done = None
    if d:
        done = d.get("seconds_to_completion")
        lines.append(f"| notification delivery of the one-process run: a Celery worker (2 processes, Redis; in-app "
                     f"notifications + e-mails to the memory backend), from its start to the last mail | "
                     f"{d['delivered']:,} of {d['events']:,} events | {fmt(done) + ' s' if done else 'not done'} | "
                     f"{fmt(d['per_event_ms'], 2)} ms | – | {d['notifications']:,} notifications, {d['mailed']:,} "
                     f"mailed (first to last stamp {fmt(d['drain_seconds'])} s) |")
    goals = [(f"sweep ≤ {SWEEP_GOAL_RATIO}× the floor", ratio <= SWEEP_GOAL_RATIO, f"{ratio}×"),
             (f"two sweepers ≥ {SWEEP_GOAL_SPEEDUP}× faster", speedup >= SWEEP_GOAL_SPEEDUP, f"{speedup}×"),
             ("each notice approved exactly once with one audit record", correct, "correct" if correct else "WRONG")]
    if d:
        goals.append((f"delivery of all notifications < {SWEEP_GOAL_S} s", done is not None and done < SWEEP_GOAL_S,
                       f"{fmt(done)} s" if done else "not complete"))
    lines.append("")
    lines.append("Goals (issue 16): " + "; ".join(f"{name}: **{'met' if ok else 'not met'}** ({value})"
                                                  for name, ok, value in goals) + ".")
    return lines


def load_lines(ld) -> list[str]:
    lines = ["| connections | users | measured | requests | failures | req/s | p50 | p95 | p99 | max |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in ld["runs"]:
        t = r["total"]
        lines.append(f"| {r['setup']} | {r['users']} | {r['seconds']} s | {t['requests']:,} | {t['failures']} | "
                     f"{fmt(t['rps'])} | {fmt(t['p50_ms'], 0)} ms | {fmt(t['p95_ms'], 0)} ms | "
                     f"{fmt(t['p99_ms'], 0)} ms | {fmt(t['max_ms'], 0)} ms |")
    pool = next((r for r in ld["runs"] if r["setup"] == "pool"), ld["runs"][0])
    lines += ["", f"By path ({pool['setup']}):", "",
              "| path | requests | req/s | p50 | p95 | p99 |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, f in sorted(pool["by_name"].items()):
        lines.append(f"| {name} | {f['requests']:,} | {fmt(f['rps'])} | {fmt(f['p50_ms'], 0)} ms | "
                     f"{fmt(f['p95_ms'], 0)} ms | {fmt(f['p99_ms'], 0)} ms |")
    if pool.get("login"):
        lg = pool["login"]
        lines += ["", f"Logins ({lg['count']} at the start, Argon2, not in the figures above): median "
                      f"{lg['p50_ms']:,} ms, slowest {lg['max_ms']:,} ms."]
    t = pool["total"]
    met = (t["p95_ms"] or 1e9) < LOAD_GOAL_P95 and t["failures"] == 0
    lines += ["", f"Goal (p95 < {LOAD_GOAL_P95} ms, no errors, with the pool): **{'met' if met else 'not met'}** "
                  f"(p95 {fmt(t['p95_ms'], 0)} ms, {t['failures']} failures; gunicorn {ld['workers']} sync workers "
                  "and locust on the same 2 CPUs)."]
    return lines


def explain_lines(ex) -> list[str]:
    lines = []
    for name, r in ex.items():
        def timing(plan):
            return next((x for x in plan.splitlines() if x.startswith("Execution Time")), "")
        lines += [f"#### {name}: index `{r['index']}`", "",
                  f"Without: {timing(r['without'])}; with: {timing(r['with'])}.", "",
                  "<details><summary>EXPLAIN ANALYZE without the index</summary>", "", "```", r["without"], "```",
                  "", "</details>", "", "<details><summary>EXPLAIN ANALYZE with the index</summary>", "", "```",
                  r["with"], "```", "", "</details>", ""]
    return lines


def main() -> None:
    run, pages, sweep, ld, ex = (load(n) for n in ("run", "pages", "sweep", "load", "explain"))
    doc = [f"Last run: {run['finished']}, {run['districts']} districts (seed_scale), total "
           f"{run['total_seconds']:.0f} s (steps: "
           + ", ".join(f"{k} {v:.0f} s" for k, v in run["timings"].items()) + ").", "",
           f"Machine: {machine_line(run)}.", ""]
    if pages:
        doc += ["### Pages (in-process, median of "
                f"{pages['runs']} runs, district 1 of {run['districts']})", ""] + pages_table(pages) + [""]
    if sweep:
        doc += ["### Deadline sweep", ""] + sweep_lines(sweep) + [""]
    if ld:
        doc += ["### HTTP load (gunicorn + locust on loopback)", ""] + load_lines(ld) + [""]
    if ex:
        doc += ["### Indexes: EXPLAIN without and with", ""] + explain_lines(ex)
    replace_between(ROOT / "docs/performance.md", "\n".join(doc), "# Performance at national scale")
    summary = [f"Latest figures ({run['finished']}; {machine_line(run)}):", ""]
    if pages:
        summary += ["| page | median | queries | ratio to floor |", "| --- | ---: | ---: | ---: |"]
        summary += [f"| {p['page']} | {p['median_ms']:.0f} ms | {p['queries']} | {p['ratio']}× |"
                    for p in pages["pages"]]
        summary.append("")
    if sweep:
        summary.append(f"Deadline sweep: {sweep['notices']:,} notices ending at once approved in "
                       f"{sweep['single']['seconds']:.1f} s ({sweep['single']['per_notice_ms']:.2f} ms each, "
                       f"{sweep.get('ratio_to_floor_with_audit')}× a bulk UPDATE + audit INSERT); two sweepers "
                       f"{sweep['two_sweepers']['seconds']:.1f} s, each notice approved once"
                       + (f"; their notifications delivered in {sweep['delivery'].get('seconds_to_completion')} s"
                          if sweep.get("delivery") else "") + ".")
    if ld:
        t = next((r for r in ld["runs"] if r["setup"] == "pool"), ld["runs"][0])["total"]
        summary.append(f"HTTP load, 50 users with the pool: {fmt(t['rps'])} req/s, p50 {fmt(t['p50_ms'], 0)} ms, "
                       f"p95 {fmt(t['p95_ms'], 0)} ms, p99 {fmt(t['p99_ms'], 0)} ms, {t['failures']} failures.")
    summary.append("Details, floors, EXPLAIN plans and the discussion: [docs/performance.md](docs/performance.md).")
    replace_between(ROOT / "README.md", "\n".join(summary), "")


if __name__ == "__main__":
    main()

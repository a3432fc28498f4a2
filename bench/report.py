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


def _goal(p) -> str:
    close = (p["ratio"] or 99) <= PAGE_GOAL_RATIO
    if close and (p["ratio"] or 0) < 1:  # the hand-written statement is slower than the ORM's queries
        return "met, but the floor is slower than the page: its SQL is not the minimum yet (no proof)"
    return "met" if close else f"not met: {p['ratio']}×"


def _same(p) -> str:
    if p["same_rows"] is None:
        return "not compared (no hand-written data query yet)"
    check = p["check"].removeprefix("equal: ")  # some checks say "equal" themselves
    return ("equal: " if p["same_rows"] else "**DIFFER**: ") + check


def pages_table(pages, which: str) -> list[str]:
    """Issue 16, point 4: each page against its honest floor, rows and shown columns compared."""
    rows = [p for p in pages["pages"] if p.get("which", "largest") == which]
    if not rows:
        return []
    lines = [f"District {rows[0]['district']} ({which}, {rows[0].get('district_notices', 0):,} notices):", "",
             "| page | median (rounds min–max) | queries | floor: lookup + SQL + render (render queries) | "
             "ratio (min–max) | rows and shown columns | goal ≤ 2× |",
             "| --- | ---: | ---: | ---: | ---: | --- | --- |"]
    for p in rows:
        lo, hi = p["spread_ms"]
        rlo, rhi = p["ratio_spread"]
        lines.append(f"| {p['page']} | {p['median_ms']:.1f} ms ({lo:.0f}–{hi:.0f}) | {p['queries']} | "
                     f"{p['floor_ms']:.1f} ms = {p['floor_lookup_ms']:.1f} + {p['floor_sql_ms']:.1f} + "
                     f"{p['floor_render_ms']:.1f} ({p['floor_render_queries']}) | {p['ratio']}× ({rlo}–{rhi}) | "
                     f"{_same(p)} | {_goal(p)} |")
    for p in rows:
        if p.get("rows_per_second") is not None:
            lines += ["", f"CSV export, district {p['district']}: {p['rows']:,} rows in {p['median_ms']:.0f} ms = "
                          f"{p['rows_per_second']:,} rows/s"
                          + (f"; peak Python memory of one export {p['peak_memory_kb']:,} KB "
                             f"({p['peak_memory_kb'] * 1024 / max(p['rows'], 1):,.0f} bytes per row), the body read "
                             "piece by piece and dropped as a server sends it"
                             + (f" (kept whole in memory, as before this measure changed: "
                                f"{p['peak_memory_with_body_kb']:,} KB)" if p.get("peak_memory_with_body_kb") else "")
                             + "." if p.get("peak_memory_kb") is not None else ".")]
    return lines


def csv_memory_line(pages) -> list[str]:
    """Constant memory: the peak of the export does not grow with the rows (largest vs small district)."""
    exports = {p["which"]: p for p in pages["pages"] if p.get("peak_memory_kb") is not None}
    if {"largest", "small"} <= set(exports):
        big, small = exports["largest"], exports["small"]
        ratio_rows = big["rows"] / max(small["rows"], 1)
        ratio_mem = big["peak_memory_kb"] / max(small["peak_memory_kb"], 1)
        constant = ratio_mem < max(2.0, ratio_rows / 4)
        return [f"CSV export memory: {ratio_rows:.1f}× the rows, {ratio_mem:.1f}× the peak memory "
                f"({small['peak_memory_kb']:,} → {big['peak_memory_kb']:,} KB): "
                f"**{'constant' if constant else 'NOT constant'}** (goal: less than 2×, or a quarter of the rows' "
                "growth).", ""]
    return []


GROWTH_GOAL = 0.20


def lockstep(run, stages) -> dict:
    """The lockstep growth (bench/growth.py) per (which, district, page), if it compared the last two stages."""
    data = load("growth") if run.get("growth") else None
    if not data or [data.get("earlier"), data.get("later")] != stages[-2:]:
        return {}
    return {(p["which"], p["district"], p["page"]): p for p in data["pages"]}


def growth_lines(run) -> list[str]:
    """Issue 16, point 8: the pages at each stage of the data, and the growth between the last two. The growth is
    taken from the lockstep (bench/growth.py: a worker on a frozen copy of the second-last stage and one on the last
    stage take turns request by request, so both see the same machine); without it, from the stage passes."""
    stages = run.get("stages") or [run["districts"]]
    data = {n: load(f"pages-{n}") for n in stages}
    data = {n: d for n, d in data.items() if d}
    if not data:
        return []
    stages = sorted(data)
    side = lockstep(run, stages) if len(stages) > 1 else {}
    notices = {n: data[n].get("notices", 0) for n in stages}
    head = "| district | page | " + " | ".join(f"{n} districts ({notices[n]:,} notices)" for n in stages)
    rule = "| --- | --- | " + " | ".join("---:" for _ in stages)
    if len(stages) > 1:
        a, b = stages[-2], stages[-1]
        head += (f" | in lockstep: {a} → {b} (median ms) | growth {a} → {b} | ≤ 20 % | floor in lockstep | "
                 "ratio to floor per stage |" if side else f" | growth {a} → {b} | ≤ 20 % | ratio to floor per stage |")
        rule += " | ---: | ---: | --- | ---: | ---: |" if side else " | ---: | --- | ---: |"
    lines = [head + ("" if len(stages) > 1 else " |"), rule + ("" if len(stages) > 1 else " |")]
    worst = []
    keys = list(dict.fromkeys((p["which"], p["district"], p["page"]) for n in stages for p in data[n]["pages"]))
    for key in keys:
        which, district, page = key
        cells, values, ratios = [], [], []
        for n in stages:
            p = next((x for x in data[n]["pages"] if (x["which"], x["district"], x["page"]) == key), None)
            values.append(p["median_ms"] if p else None)
            ratios.append(f"{p['ratio']}×" if p else "–")
            cells.append(f"{p['median_ms']:.1f} ms" if p else "–")
        row = f"| {district} ({which}) | {page} | " + " | ".join(cells)
        if len(stages) > 1:
            pair = side.get(key)
            if side:
                row += f" | {pair['earlier_ms']:.1f} → {pair['later_ms']:.1f}" if pair else " | –"
                growth = pair["growth"] if pair else None
            else:
                growth = values[-1] / values[-2] - 1 if values[-2] and values[-1] else None
            if growth is not None:
                worst.append((growth, f"{page}, district {district}"))
                row += f" | {growth * 100:+.0f} % | {'met' if growth <= GROWTH_GOAL else 'NOT met'}"
            else:
                row += " | – | –"
            if side:
                row += (f" | {pair['floor_earlier_ms']:.1f} → {pair['floor_later_ms']:.1f} ms "
                        f"({pair['floor_growth'] * 100:+.0f} %)" if pair else " | –")
            row += " | " + " → ".join(ratios)
        lines.append(row + " |")
    if worst:
        bad = [name for g, name in worst if g > GROWTH_GOAL]
        top = max(worst)
        g = run.get("growth") or {}
        how = (f"in lockstep: a worker on a frozen copy of the {stages[-2]}-district data and one on the "
               f"{stages[-1]}-district data take turns request by request ({g.get('pairs')} pairs per page in each "
               f"of {g.get('sweeps')} sweeps over all pages; the median of each side's "
               f"{(g.get('pairs') or 0) * (g.get('sweeps') or 0)} requests), so both see the machine of the same "
               "moment; the floor is measured the same way" if side else
               "from the stage passes, measured minutes apart on a shared CPU; the ratio to the floor (measured "
               "interleaved with the page) shows whether a growth is the page's own or the machine's")
        lines += ["", f"Acceptance (no page's time grows more than 20 % from {stages[-2]} to {stages[-1]} districts): "
                      f"**{'met' if not bad else 'not met'}** (largest growth {top[0] * 100:+.0f} %, {top[1]}"
                      + (f"; over 20 %: {len(bad)} pages" if bad else "") + f"). The growth is taken {how}."]
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
    correct = correct and s.get("all_rounds_correct", True)  # every round checked, not only the median one
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
    if s.get("single_rounds"):
        lines += ["", f"One and two sweepers ran interleaved in {s['rounds']} rounds, each sweeper a process of its "
                      "own, warmed up and released at one instant; the table gives the median round. One sweeper: "
                      + ", ".join(f"{x:.2f}" for x in s["single_rounds"]) + " s; two: "
                      + ", ".join(f"{x:.2f}" for x in s["two_sweepers_rounds"]) + " s; speedup per round "
                      + ", ".join(f"{x}×" for x in s["speedup_per_round"])
                      + f"; every round {'correct' if s.get('all_rounds_correct') else 'NOT correct'}."]
    lines.append("")
    lines.append("Goals (issue 16): " + "; ".join(f"{name}: **{'met' if ok else 'not met'}** ({value})"
                                                  for name, ok, value in goals) + ".")
    return lines


LOAD_GOALS = {"50 users": 300, "200 users": 1000, "during the sweep": 500}


def _load_goal(r) -> int:
    if "sweep" in r["setup"]:
        return LOAD_GOALS["during the sweep"]
    return LOAD_GOALS["200 users"] if r["users"] > 50 else LOAD_GOALS["50 users"]


def load_lines(ld) -> list[str]:
    """Issue 16, point 7: p50/p95/p99 and errors per run, each against its goal."""
    lines = [f"gunicorn: {ld.get('workers', '?')} worker processes × {ld.get('threads', 1)} threads (gthread), "
             "the psycopg pool per process; locust (FastHttpUser) on the same 2 CPUs; reads and writes of all three "
             "roles.", "",
             "Each simulated user pauses after every click (think time, uniform in the range given), also between "
             "the clicks of a write (list, notice, form); the page the browser loads after a form (redirect) is a "
             "request of its own: 5–15 s in the runs with a goal, as an office worker reads the page and types; "
             "the stress run pauses only 1–2 s and shows what the 2 CPUs serve at saturation. The users log in one "
             f"after the other ({fmt(ld['runs'][0].get('spawn_rate'))} a second); the figures are reset one longest "
             "think time after the last login (the requests queued behind the Argon2 logins are answered by then, "
             "and every user has clicked since) and measured for the time given.", "",
             "| run | think time | measured | requests | failures | req/s | p50 | p95 | p99 | max | goal |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in ld["runs"]:
        t = r["total"]
        think = "–".join(f"{x:g}" for x in r.get("think_seconds", [1, 2]))
        if r.get("stress"):
            verdict = f"capacity reference, no goal ({think} s think time: the server is saturated)"
        else:
            goal = _load_goal(r)
            met = (t["p95_ms"] or 1e9) < goal and t["failures"] == 0
            verdict = f"p95 < {goal:,} ms, 0 errors: **{'met' if met else 'not met'}**"
        lines.append(f"| {r['setup']} | {think} s | {r['seconds']} s | {t['requests']:,} | {t['failures']} | "
                     f"{fmt(t['rps'])} | {fmt(t['p50_ms'], 0)} ms | {fmt(t['p95_ms'], 0)} ms | "
                     f"{fmt(t['p99_ms'], 0)} ms | {fmt(t['max_ms'], 0)} ms | {verdict} |")
    for r in ld["runs"]:
        if r.get("sweep_notices"):
            sw = r.get("sweep") or {}
            lines += ["", f"During the run \"{r['setup']}\": `sweep_approvals()` approved {sw.get('approved', '?'):,} "
                          f"of {r['sweep_notices']:,} due notices in {sw.get('seconds', '?')} s."
                      if sw else f"During the run \"{r['setup']}\": the sweep did not report."]
    first = max((r for r in ld["runs"] if not r.get("stress")), key=lambda r: r["users"], default=ld["runs"][0])
    lines += ["", f"By path ({first['setup']}):", "",
              "| path | requests | failures | p50 | p95 | p99 |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, f in sorted(first["by_name"].items()):
        lines.append(f"| {name} | {f['requests']:,} | {f['failures']} | {fmt(f['p50_ms'], 0)} ms | "
                     f"{fmt(f['p95_ms'], 0)} ms | {fmt(f['p99_ms'], 0)} ms |")
    for r in ld["runs"]:
        if r.get("login"):
            lg = r["login"]
            lines += ["", f"Logins of the run \"{r['setup']}\" ({lg['count']} at the start, Argon2, not in the "
                          f"figures above): median {lg['p50_ms']:,} ms, slowest {lg['max_ms']:,} ms."]
        if r.get("cpu"):
            c = r["cpu"]["percent_of_one_cpu"]
            lines += ["", f"CPU during the run \"{r['setup']}\" (percent of one CPU, {c['machine_capacity']} in all): "
                          f"gunicorn {c['gunicorn']}, PostgreSQL (the bench database) {c['postgres']}, locust "
                          f"{c['locust']}, other processes {c['other']}, taken by the hypervisor {c.get('stolen', 0)}; "
                          f"load average {r['cpu']['loadavg_start'][0]:.1f} at the start of the window."]
        if r.get("failure_lines"):
            lines += ["", f"Failures ({r['setup']}): " + "; ".join(f"`{x}`" for x in r["failure_lines"])]
    return lines


def explain_lines(ex) -> list[str]:
    lines = []
    for name, r in ex.items():
        def timing(plan):
            return next((x for x in plan.splitlines() if x.startswith("Execution Time")), "")
        lines += [f"#### {name}: index `{r['index']}`", "",
                  f"Without{' (' + r['what'] + ')' if r.get('what') else ''}: {timing(r['without'])}; "
                  f"with: {timing(r['with'])}.", "",
                  "<details><summary>EXPLAIN ANALYZE without the index</summary>", "", "```", r["without"], "```",
                  "", "</details>", "", "<details><summary>EXPLAIN ANALYZE with the index</summary>", "", "```",
                  r["with"], "```", "", "</details>", ""]
    return lines


def main() -> None:
    run, pages, sweep, ld, ex = (load(n) for n in ("run", "pages", "sweep", "load", "explain"))
    stages = run.get("stages") or [run["districts"]]
    doc = [f"Last run: {run['finished']}, stages of {', '.join(map(str, stages))} districts (seed_scale"
           + (f", scale {run['scale']}" if run.get("scale", 1) != 1 else "") + f"), total "
           f"{run['total_seconds']:.0f} s (steps: "
           + ", ".join(f"{k} {v:.0f} s" for k, v in run["timings"].items()) + ").", "",
           f"Machine: {machine_line(run)}.", ""]
    if pages:
        doc += [f"### Pages against their floors ({pages.get('districts', run['districts'])} districts, "
                f"{pages.get('notices', 0):,} notices; median of {pages.get('rounds', 1)} rounds of "
                f"{pages['runs']} interleaved page/floor pairs)", ""]
        for which in ("largest", "small"):
            table = pages_table(pages, which)
            if table:
                doc += table + [""]
        doc += csv_memory_line(pages)
    growth = growth_lines(run)
    if growth:
        doc += ["### Cost as data grows: pages at each stage, for the largest and a small district", ""] + growth + [""]
    if sweep:
        doc += ["### Deadline sweep", ""] + sweep_lines(sweep) + [""]
    if ld:
        doc += ["### HTTP load (gunicorn + locust on loopback)", ""] + load_lines(ld) + [""]
    if ex:
        doc += ["### Indexes: EXPLAIN without and with", ""] + explain_lines(ex)
    replace_between(ROOT / "docs/performance.md", "\n".join(doc), "# Performance at national scale")
    summary = [f"Latest figures ({run['finished']}; {machine_line(run)}):", ""]
    if pages:
        largest = [p for p in pages["pages"] if p.get("which", "largest") == "largest"]
        small = {p["page"]: p for p in pages["pages"] if p.get("which") == "small"}
        summary += [f"| page | district 1 ({largest[0].get('district_notices', 0):,} notices) | ratio to floor | "
                    "small district | ratio |", "| --- | ---: | ---: | ---: | ---: |"] if largest else []
        for p in largest:
            s = small.get(p["page"])
            summary.append(f"| {p['page']} | {p['median_ms']:.0f} ms | {p['ratio']}× | "
                           + (f"{s['median_ms']:.0f} ms | {s['ratio']}× |" if s else "– | – |"))
        summary.append("")
    if sweep:
        summary.append(f"Deadline sweep: {sweep['notices']:,} notices ending at once approved in "
                       f"{sweep['single']['seconds']:.1f} s ({sweep['single']['per_notice_ms']:.2f} ms each, "
                       f"{sweep.get('ratio_to_floor_with_audit')}× a bulk UPDATE + audit INSERT); two sweepers "
                       f"{sweep['two_sweepers']['seconds']:.1f} s, each notice approved once"
                       + (f"; their notifications delivered in {sweep['delivery'].get('seconds_to_completion')} s"
                          if sweep.get("delivery") else "") + ".")
    if ld:
        for r in ld["runs"]:
            t = r["total"]
            summary.append(f"HTTP load, {r['setup']}: {fmt(t['rps'])} req/s, p50 {fmt(t['p50_ms'], 0)} ms, "
                           f"p95 {fmt(t['p95_ms'], 0)} ms, p99 {fmt(t['p99_ms'], 0)} ms, {t['failures']} failures.")
    summary.append("Details, floors, growth table, EXPLAIN plans and the discussion: "
                   "[docs/performance.md](docs/performance.md).")
    replace_between(ROOT / "README.md", "\n".join(summary), "")


if __name__ == "__main__":
    main()

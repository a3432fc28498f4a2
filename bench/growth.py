"""Issue 16, point 8: how much each page's time grows from the second-last to the last stage, measured in lockstep.

Two workers (`bench/pages.py --serve`), one on the frozen copy of the second-last stage and one on the last stage,
prepare the same pages for the same users (warmed up, each with its floor). Then they take turns request by
request: earlier, later; later, earlier; ... (the order alternates, so neither always runs second). Only one of
them runs at a time; the other waits for its next line. Both stages thus see the machine of the same few
milliseconds. Passes a minute apart did not: on 2026-12-03, with about half the CPU time taken by other guests,
three passes of the same page on the same frozen data took 145, 168 and 227 ms.

Each page gets --pairs pairs in each of --sweeps sweeps over all pages, so its pairs are spread over the whole
run. The growth is the median of the later stage's times over the median of the earlier stage's. The floor is
measured the same way between the page's requests: its growth is what the data itself costs more (its SQL; its
render does the same work at both stages).

Usage: python bench/growth.py --earlier URL --later URL --stages 100,300 --small N [--pairs 10] [--sweeps 3]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, bench_env, save  # noqa: E402


class Worker:
    """One `bench/pages.py --serve` process on one database."""

    def __init__(self, url: str, small: int, skip: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "bench/pages.py", "--serve", "--small", str(small), "--skip", skip], cwd=ROOT,
            env=bench_env() | {"DATABASE_URL": url}, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def answer(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"the worker {self.proc.args} ended (exit code {self.proc.wait()})")
        return json.loads(line)

    def run(self, key: str, what: str) -> float:
        self.proc.stdin.write(json.dumps({"key": key, "what": what}) + "\n")
        self.proc.stdin.flush()
        return self.answer()["seconds"]

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def summary(key: str, s: dict) -> dict:
    which, district, page = key.split("|", 2)
    ratios = sorted(b / a for a, b in zip(s["earlier"], s["later"], strict=True))
    q1, _q2, q3 = statistics.quantiles(ratios, n=4)
    earlier, later = statistics.median(s["earlier"]), statistics.median(s["later"])
    floor_earlier, floor_later = statistics.median(s["floor_earlier"]), statistics.median(s["floor_later"])
    return {
        "which": which, "district": int(district), "page": page, "pairs": len(ratios),
        "earlier_ms": round(earlier * 1000, 2), "later_ms": round(later * 1000, 2),
        "growth": round(later / earlier - 1, 4),
        "pair_ratio_quartiles": [round(q1, 3), round(q3, 3)],
        "floor_earlier_ms": round(floor_earlier * 1000, 2), "floor_later_ms": round(floor_later * 1000, 2),
        "floor_growth": round(floor_later / floor_earlier - 1, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--earlier", required=True, help="database URL of the earlier stage (its frozen copy)")
    parser.add_argument("--later", required=True, help="database URL of the last stage")
    parser.add_argument("--stages", required=True, help="the two stages' district counts, e.g. 100,300")
    parser.add_argument("--small", type=int, required=True, help="the small district (bench/run.py chooses it)")
    parser.add_argument("--pairs", type=int, default=10, help="pairs of requests per page and sweep")
    parser.add_argument("--sweeps", type=int, default=3, help="sweeps over all pages")
    parser.add_argument("--skip", default="CSV export", help="pages whose name contains this are left out")
    parser.add_argument("--out", default="growth")
    args = parser.parse_args()
    t0 = time.monotonic()
    workers = {"earlier": Worker(args.earlier, args.small, args.skip), "later": Worker(args.later, args.small,
                                                                                       args.skip)}
    ready = {name: w.answer()["ready"] for name, w in workers.items()}
    keys = [k for k in ready["earlier"] if k in set(ready["later"])]
    print(f"== lockstep: {len(keys)} pages ready on both stages in {time.monotonic() - t0:.0f} s", flush=True)
    samples = {k: {"earlier": [], "later": [], "floor_earlier": [], "floor_later": []} for k in keys}
    order = ("earlier", "later")
    for sweep in range(args.sweeps):
        for key in keys:
            for i in range(args.pairs):
                turn = order if (i + sweep) % 2 == 0 else order[::-1]
                for name in turn:
                    samples[key][name].append(workers[name].run(key, "page"))
                for name in turn:
                    samples[key][f"floor_{name}"].append(workers[name].run(key, "floor"))
        print(f"== sweep {sweep + 1}/{args.sweeps} done at {time.monotonic() - t0:.0f} s", flush=True)
    for w in workers.values():
        w.close()
    results = [summary(k, samples[k]) for k in keys]
    for r in results:
        print(f"d{r['district']:03d} {r['page'][:44]:44s} {r['earlier_ms']:8.1f} -> {r['later_ms']:8.1f} ms "
              f"{r['growth'] * 100:+5.1f} % (pairs {r['pair_ratio_quartiles'][0]}–{r['pair_ratio_quartiles'][1]}) "
              f"| floor {r['floor_earlier_ms']:7.1f} -> {r['floor_later_ms']:7.1f} ms "
              f"{r['floor_growth'] * 100:+5.1f} %", flush=True)
    earlier, later = (int(x) for x in args.stages.split(","))
    save(args.out, {"earlier": earlier, "later": later, "pairs": args.pairs, "sweeps": args.sweeps,
                    "small": args.small, "seconds": round(time.monotonic() - t0, 1), "pages": results})


if __name__ == "__main__":
    main()

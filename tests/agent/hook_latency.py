#!/usr/bin/env python3
"""Times `contract-gate hook claude-code` on the seed contracts and on a
200-agent contract: 200 calls each, one Write event per call, in a real
worktree. Usage: tests/agent/hook_latency.py [path/to/contract-gate]
(default target/release/contract-gate). Exits 1 over budget
(p95 <= 15 ms on the seeds, <= 40 ms on 200 agents)."""

import json, os, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXE = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/contract-gate"))
CALLS = 200


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def big_contract(n):
    lines = ["# 200 agents", "", "## Worktrees"]
    lines += [f"- wt-{i}  branch: agents/a{i}  agent: agent-{i}" for i in range(n)]
    lines += ["", "## Scope"]
    for i in range(n):
        pats = [f"src/m{i}/d{j}/**" for j in range(10)] + [f"src/m{i}/f{j}.ts" for j in range(5)]
        pats += [f"src/m{i}/**/*.gen{j}.ts" for j in range(3)] + [f"src/m{i}/*.md", f"src/m{i}/router.ts (additions only)"]
        lines.append(f"- agent-{i}: " + ", ".join(pats))
    lines += ["", "## Merge order"] + [f"{i + 1}. agent-{i}" for i in range(n)]
    return "\n".join(lines) + "\n"


def measure(contract, branch, path):
    with tempfile.TemporaryDirectory() as tmp:
        repo = os.path.join(tmp, "repo")
        os.makedirs(repo)
        git(repo, "init", "-q", "-b", "main")
        git(repo, "config", "user.email", "t@example.com")
        git(repo, "config", "user.name", "t")
        with open(os.path.join(repo, "CONTRACT.md"), "w") as f:
            f.write(contract)
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "contract")
        wt = os.path.join(tmp, "wt")
        git(repo, "worktree", "add", "-q", "-b", branch, wt, "main")
        gd = subprocess.run(["git", "rev-parse", "--absolute-git-dir"], cwd=wt, capture_output=True, text=True).stdout.strip()
        with open(os.path.join(gd, "contract-gate-base"), "w") as f:
            f.write("main\n")
        event = json.dumps({"cwd": wt, "hook_event_name": "PreToolUse", "tool_name": "Write",
                            "tool_input": {"file_path": os.path.join(wt, path), "content": "x"}})
        times = []
        for _ in range(CALLS):
            t = time.perf_counter()
            out = subprocess.run([EXE, "hook", "claude-code"], cwd=wt, input=event, capture_output=True, text=True)
            times.append((time.perf_counter() - t) * 1000)
            if out.returncode != 0 or out.stdout:
                sys.exit(f"unexpected hook answer: {out.returncode} {out.stdout} {out.stderr}")
        times.sort()
        return times[len(times) // 2], times[int(len(times) * 0.95) - 1]


def main():
    seeds = os.path.join(ROOT, "fixtures/contracts")
    cases = [
        ("uploads.md (3 agents)", open(os.path.join(seeds, "uploads.md")).read(), "agents/uploads", "src/api/uploads/handler.ts", 15),
        ("blog-discovery.md (3 agents)", open(os.path.join(seeds, "blog-discovery.md")).read(), "agent/blog-search-ui", "src/pages/blog/index.astro", 15),
        ("200 agents x 20 patterns", big_contract(200), "agents/a199", "src/m199/d3/x.ts", 40),
    ]
    over = False
    print(f"{'contract':32} {'p50 ms':>8} {'p95 ms':>8} {'budget':>8}")
    for name, text, branch, path, budget in cases:
        p50, p95 = measure(text, branch, path)
        over |= p95 > budget
        print(f"{name:32} {p50:8.1f} {p95:8.1f} {budget:8}")
    sys.exit(1 if over else 0)


main()

"""Writes the whole-process plan benchmark project (bench/plan60): 20 drivers, three
outcomes with their own due dates, and 60 rules (three per driver) whose deltas, costs
and lead times are drawn from a seeded stream. Run once; the files it writes are
committed (with the survey), so neither the benchmark nor the tests need Python:

    python3 bench/plan60/generate.py
    sattrace simulate --model bench/plan60/model.yaml --n 5000 --seed 1 -o bench/plan60/survey.csv

The targets in the model are about half of what all 60 actions together reach (read
off `sattrace plan bench/plan60 --no-default-rules --today 2026-07-01` with targets
out of reach). `bench/whatif_plan.sh` times `sattrace plan` on it as a whole process.
"""
import pathlib
import random

here = pathlib.Path(__file__).parent
rng = random.Random(60)
drivers = [f"d{g:02d}" for g in range(1, 21)]

model = [
    "# Plan benchmark: 20 drivers, 60 candidate actions (three per driver, rules/),",
    "# three outcomes with targets and due dates, each about half of what all 60",
    "# actions together reach (the hardest middle ground). Written by generate.py.",
    "name: plan-60",
    "data: survey.csv",
    "scale: {min: 1, max: 10}",
    "drivers:",
]
for g, d in enumerate(drivers, 1):
    model.append(f"  - {{id: {d}, items: [q{g}], target: 8.0}}")
model += [
    "  - id: satisfaction",
    "    items: [sat]",
    f"    inputs: [{', '.join(drivers)}]",
    "    outcome: true",
    "    target: 7.05",
    "    due: 2027-06-30",
    "  - id: loyalty",
    "    items: [loy]",
    f"    inputs: [satisfaction, {', '.join(drivers[:8])}]",
    "    outcome: true",
    "    target: 6.5",
    "    due: 2027-09-30",
    "  - id: nps",
    "    metric: nps",
    "    items: [rec]",
    "    inputs: [satisfaction]",
    "    outcome: true",
    "    target: -4",
    "    due: 2027-12-31",
]
(here / "model.yaml").write_text("\n".join(model) + "\n", encoding="utf-8")

effects = {d: round(rng.uniform(0.01, 0.06), 3) for d in drivers}
sim = [
    "# Truth for the plan benchmark's survey (5,000 simulated rows, seed 1).",
    "effects:",
    "  satisfaction: {" + ", ".join(f"{d}: {e}" for d, e in effects.items()) + "}",
    "  loyalty: {satisfaction: 0.5, " + ", ".join(f"{d}: 0.03" for d in drivers[:8]) + "}",
    "  nps: {satisfaction: 1.5}",
    "base: {" + ", ".join(f"{d}: {rng.randint(50, 70)}" for d in drivers) + "}",
    "intercepts: {satisfaction: 20, loyalty: 10, nps: -25}",
    "noise: {exogenous: 14, endogenous: 8}",
    "item_noise: 6",
]
(here / "simulate.yaml").write_text("\n".join(sim) + "\n", encoding="utf-8")

rules = ["# 60 candidate actions: three per driver. Written by generate.py.", "rules:"]
for g, d in enumerate(drivers, 1):
    for k in range(1, 4):
        rules += [
            f"  - id: {d}-option-{k}",
            f"    title: Improve {d}, option {k}",
            f"    for: {{drivers: [{d}]}}",
            "    when: 'true'",
            f"    action: Option {k} for driver {d}",
            f"    effect: {{delta: {rng.uniform(0.2, 1.2):.2f}}}",
            f"    cost: {rng.randint(1, 10)}",
            f"    duration: {rng.choice([30, 60, 90, 120, 180, 270, 365, 450])}",
        ]
(here / "rules").mkdir(exist_ok=True)
(here / "rules" / "actions.yaml").write_text("\n".join(rules) + "\n", encoding="utf-8")

#!/usr/bin/env python3
"""Import cycles in src/: which modules `use` each other, directly or round a loop.

Reads every `crate::…`, `sattrace::…`, `super::…` and `self::…` path in src/**/*.rs
(use lines and inline paths, test modules included; comments are not read), resolves each to the deepest
module file that exists, and prints the strongly connected components with more than
one module, at two levels: top-level modules (`importance`, `report`, …) and module
files (`cli::importance`, `report::table`, …).

    scripts/import_cycles.py [SRC_DIR]
"""
import os
import re
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "src"
modules = {}  # module path (tuple) -> file
for root, _, files in os.walk(src):
    for f in files:
        if not f.endswith(".rs"):
            continue
        rel = os.path.relpath(os.path.join(root, f), src)[:-3].split(os.sep)
        if rel[-1] == "mod":
            rel = rel[:-1]
        if rel in (["lib"], ["main"]):
            rel = []
        modules[tuple(rel)] = os.path.join(root, f)

path_re = re.compile(r"\b(crate|sattrace|super|self)((?:::\w+)+)")
group_re = re.compile(r"\b(crate|sattrace|super|self)((?:::\w+)*)::\{([^;]*?)\};", re.S)


def resolve(base, segments):
    """The deepest existing module on the path `base + segments`."""
    best = None
    path = list(base)
    for s in segments:
        path.append(s)
        if tuple(path) in modules:
            best = tuple(path)
    return best


def targets(mod, text):
    is_dir = modules[mod].endswith("mod.rs") or mod == ()
    here = mod if is_dir else mod[:-1]
    out = set()

    def add(kind, segs):
        if kind in ("crate", "sattrace"):
            base = []
        elif kind == "self":
            base = list(mod) if is_dir else list(mod)
        else:  # super
            base = list(here[:-1]) if is_dir else list(here)
            while segs and segs[0] == "super":
                base = base[:-1]
                segs = segs[1:]
        t = resolve(base, segs)
        if t is not None:
            out.add(t)

    for m in group_re.finditer(text):
        prefix = [s for s in m.group(2).split("::") if s]
        for item in re.split(r"[,{}\s]+", m.group(3)):
            item = item.split(" as ")[0].strip()
            if item and re.fullmatch(r"\w+(::\w+)*", item):
                add(m.group(1), prefix + item.split("::"))
        add(m.group(1), prefix)
    for m in path_re.finditer(text):
        add(m.group(1), [s for s in m.group(2).split("::") if s])
    return out


edges = {}
for mod, f in modules.items():
    # Comments (docs and intra-doc links) are not imports.
    text = re.sub(r"//[^\n]*", "", open(f, encoding="utf-8").read())
    edges[mod] = {t for t in targets(mod, text) if t != mod}


def sccs(graph):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(100000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def name(m):
    return "::".join(m) or "crate"


def ancestor(a, b):
    return a[: len(b)] == b or b[: len(a)] == a


# Files: a parent module re-exporting its children is not a cycle to fix; edges
# between a module and its own ancestor are left out.
file_graph = {m: {t for t in ts if not ancestor(m, t)} for m, ts in edges.items()}
top_graph = {}
for m, ts in edges.items():
    if not m:
        continue
    for t in ts:
        if t and t[0] != m[0]:
            top_graph.setdefault(m[0], set()).add(t[0])

top = sccs(top_graph)
files = sccs(file_graph)
print(f"top-level module cycles: {len(top)}")
for c in top:
    print("  " + " <-> ".join(c))
print(f"module-file cycles: {len(files)}")
for c in files:
    print("  " + " <-> ".join(name(m) for m in c))

"""`bsdulator --coverage`: the dispatch table's support levels, generated, never hand-kept."""

import json
from collections import Counter

from . import table as table_mod
from .table import Support


def rows():
    return [e for e in table_mod.build() if e.kind]


def report(fmt: str = "text") -> str:
    entries = rows()
    counts = Counter(e.support.value for e in entries)
    order = [s.value for s in Support]
    if fmt == "json":
        return (
            json.dumps(
                {
                    "counts": {s: counts.get(s, 0) for s in order},
                    "syscalls": [
                        {
                            "number": e.nr,
                            "name": e.name,
                            "type": e.kind,
                            "support": e.support.value,
                            "note": e.note,
                            "where": e.where,
                        }
                        | ({"gaps": e.note} if e.support == Support.PARTIAL else {})
                        for e in entries
                    ],
                },
                indent=1,
            )
            + "\n"
        )
    total = ", ".join(f"{s} {counts.get(s, 0)}" for s in order)
    if fmt == "markdown":
        out = [
            "# bsdulator syscall coverage",
            "",
            f"{len(entries)} FreeBSD syscall slots (from abi/syscalls.master): {total}.",
            "",
            "| # | name | master type | support | where | note |",
            "|---:|---|---|---|---|---|",
        ]
        out += [
            f"| {e.nr} | `{e.name}` | {e.kind} | {e.support.value} "
            f"| {e.where and f'`{e.where}`'} | {e.note} |"
            for e in entries
        ]
        return "\n".join(out) + "\n"
    out = [
        f"{e.nr:4d}  {e.name:<28} {e.support.value:<11} {e.where:<40} {e.note}".rstrip()
        for e in entries
    ]
    out.append(f"total {len(entries)}: {total}")
    return "\n".join(out) + "\n"

"""One module per capability, each with:

- ``generate(ctx: GenerationContext) -> None``: add its data at ``ctx.scale`` (bulk inserts allowed, every
  constraint respected, fixed seed from ``ctx.rng``); store what the runner needs in ``ctx.facts[name]``.
- ``check(ctx) -> list[str]``: invariants of the loaded data (counters equal counted rows...), [] when fine.
- ``pages(facts: dict) -> list[Page]``: what to measure, with the issue's budgets.
"""

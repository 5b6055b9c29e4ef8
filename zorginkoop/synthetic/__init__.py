"""Synthetic input bundles, for trying the tool, for tests and for the benchmark (`zorginkoop generate`).

Nothing here is part of a selection run: the engine never imports this package. Every date a
bundle holds is derived from the policy file it is generated for (its years, peildatum and
deadlines), so next year's policy file gives next year's bundle; the same seed and policy give
the same bytes.

- `paramedie`: the registries, compliance checks, contracts, applications and claims of a
  paramedie bundle; `scale_claims`: its claims at insurer and market scale, made in DuckDB.
- `ggz`: a GGZ bundle.
- `pm304`: Vektis PM304 v3.2 writers (Python and SQL), at the positions of the one layout file.
- `files`: the bundle's CSV files; `people`: BSNs (the 11-proef of `zorginkoop.ingest.privacy`), names and
  places of nobody real; `tariffs`: prestatiecodelijsten (from the seed), codes and tariffs of a claim line.

A domain names its generator (`Domain.generator`, "module:function"), called as
generate(policy, seed, size, output) -> {file: rows}.
"""

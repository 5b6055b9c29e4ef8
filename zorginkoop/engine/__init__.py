"""The engine: the policy, the SQL graph, the stages, outputs and the run's database."""

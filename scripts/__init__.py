"""Developer scripts (sample generation, model building); importable for tests and benchmarks."""

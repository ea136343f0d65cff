"""The benchmark suite (issue 7): see benchmarks/README.md. Not collected by pytest."""

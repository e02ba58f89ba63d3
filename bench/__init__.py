"""Benchmarks of CertHub's performance targets (P1-P5); see bench/README.md."""

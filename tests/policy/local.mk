# tests/policy

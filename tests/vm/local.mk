# tests/vm

"""Grading: one submission (submission), a batch (batch), results, work order and cells left unrun (skip)."""

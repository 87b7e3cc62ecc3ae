"""The demo: sample submissions (from the catalogue of mistakes), the training demo, the end-to-end run."""

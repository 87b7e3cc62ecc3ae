"""End-to-end browser tests (Chromium driven by Playwright): the pages people touch."""

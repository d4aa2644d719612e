"""Development and CI orchestration: service discovery, `make up`, test runs, contracts."""

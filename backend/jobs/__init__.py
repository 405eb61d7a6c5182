"""Server jobs in motion: the runner that claims queued jobs and drives them step by step."""

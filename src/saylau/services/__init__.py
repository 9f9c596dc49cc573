"""Use cases: load, call the pure core, persist. Each public function owns its transaction."""

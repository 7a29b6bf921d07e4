package graph

// DirectCounts reports how many stats-only queries were written directly, and how many of those
// planned to be were answered by gqlgen after all.
func DirectCounts() (answered, fellBack int64) { return directAnswers.Load(), directFallbacks.Load() }

//go:build race

package officialdoc

// raceEnabled leaves out the tests with no concurrency that the race detector slows ~15x (the
// largest report, LibreOffice): they run in the pass without it.
const raceEnabled = true

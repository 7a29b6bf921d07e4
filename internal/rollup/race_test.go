//go:build race

package rollup

// raceEnabled tells tests to ask fewer queries: the race detector slows the pure-Go SQLite ~15x.
const raceEnabled = true

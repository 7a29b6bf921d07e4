package account

import "syscall"

// lowerThreadPriority makes the calling OS thread the last the kernel runs when the cores are
// contended (nice 19), leaving the process's share of them to its other threads: the queries.
// Within the process's scheduling group (autogroup), a nice-19 thread weighs 1/68 of a normal one.
func lowerThreadPriority() {
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), 19)
}

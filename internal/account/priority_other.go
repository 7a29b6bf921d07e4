//go:build !linux

package account

// lowerThreadPriority does nothing where threads cannot be given a priority of their own.
func lowerThreadPriority() {}

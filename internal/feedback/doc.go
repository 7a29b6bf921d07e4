// Package feedback holds residents' reports on a ward's posted list (phản ánh): what anyone may send
// without an account and how it is bounded, the tracking code, the ward's officers' replies and
// outcomes with their deadline, and the per-ward counts leaders read beside the money.
package feedback

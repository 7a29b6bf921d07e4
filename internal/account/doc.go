// Package account keeps hotro's accounts and proves who a request comes from: passwords hashed with
// argon2id, browser sessions with CSRF tokens, named API tokens, and sign-in with backoff, each
// recorded in the audit trail.
package account

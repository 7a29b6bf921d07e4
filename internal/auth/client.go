package auth

import "context"

type clientAddrKey struct{}

// WithClientAddr returns ctx carrying the address the request came from (the peer, or the client a
// trusted proxy names): what per-address limits on public writes count.
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientAddrKey{}, addr)
}

// ClientAddr returns the address WithClientAddr put in ctx, or "" when none was.
func ClientAddr(ctx context.Context) string {
	addr, _ := ctx.Value(clientAddrKey{}).(string)
	return addr
}

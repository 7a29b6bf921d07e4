package account

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestClientAddr: X-Forwarded-For is believed only from a trusted proxy, and then only as far as the
// nearest address that is not one.
func TestClientAddr(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	tests := []struct {
		name    string
		trusted []netip.Prefix
		peer    string
		xff     []string
		want    string
	}{
		{"no proxies trusted: the peer", nil, "10.1.2.3:5000", []string{"203.0.113.7"}, "10.1.2.3"},
		{"an untrusted peer's header is ignored", proxies, "198.51.100.9:5000", []string{"203.0.113.7"}, "198.51.100.9"},
		{"a trusted proxy names the client", proxies, "10.1.2.3:5000", []string{"203.0.113.7"}, "203.0.113.7"},
		{"the client cannot pick its address past the proxy", proxies, "10.1.2.3:5000", []string{"1.2.3.4, 203.0.113.7"}, "203.0.113.7"},
		{"through two trusted proxies", proxies, "10.1.2.3:5000", []string{"203.0.113.7, 10.9.9.9"}, "203.0.113.7"},
		{"headers sent twice read as one list", proxies, "10.1.2.3:5000", []string{"203.0.113.7", "10.9.9.9"}, "203.0.113.7"},
		{"garbage stops the walk", proxies, "10.1.2.3:5000", []string{"203.0.113.7, not-an-ip, 10.9.9.9"}, "10.9.9.9"},
		{"no header from a trusted proxy: the proxy", proxies, "10.1.2.3:5000", nil, "10.1.2.3"},
		{"IPv6 loopback proxy", proxies, "[::1]:5000", []string{"2001:db8::7"}, "2001:db8::7"},
		{"IPv4 in IPv6", proxies, "[::ffff:10.1.2.3]:5000", []string{"203.0.113.7"}, "203.0.113.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &HTTP{TrustedProxies: tt.trusted}
			r := httptest.NewRequest("POST", "/auth/login", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := h.clientAddr(r); got != tt.want {
				t.Errorf("clientAddr = %s, want %s", got, tt.want)
			}
		})
	}
}

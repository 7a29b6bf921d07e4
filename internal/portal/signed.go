// Package portal serves the data of the charts the city portal embeds: public aggregates only,
// with small cells withheld, as cacheable JSON, and signed links for charts that are not public.
// The answers are kept and tagged by internal/respcache, which CacheRequest tells what to keep.
// A chart's filter parameters are read by report.URLSyntax under the short embed names.
package portal

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"hotro/internal/auth"
	"hotro/internal/errs"
)

// Signer signs and checks chart links: the signature locks every parameter and the expiry.
type Signer struct {
	key []byte
	now func() time.Time
}

// NewSigner returns a signer with the secret key (nil key: signing is off).
func NewSigner(key []byte, now func() time.Time) *Signer {
	if now == nil {
		now = time.Now
	}
	return &Signer{key: key, now: now}
}

// Enabled reports whether a key is configured.
func (s *Signer) Enabled() bool { return len(s.key) > 0 }

// Sign adds exp (unix seconds) and sig to the parameters of a link to the chart: the signature
// covers the chart too, so a link cannot be moved to another chart.
func (s *Signer) Sign(chart string, params url.Values, ttl time.Duration) (url.Values, error) {
	if !s.Enabled() {
		return nil, errs.E("portal: sign", errs.Unavailable, errs.Msg("Chưa cấu hình khoá ký liên kết (HOTRO_EMBED_SECRET)."))
	}
	out := url.Values{}
	for k, v := range params {
		if k != "sig" && k != "exp" {
			out[k] = append([]string(nil), v...)
		}
	}
	out.Set("exp", strconv.FormatInt(s.now().Add(ttl).Unix(), 10))
	out.Set("sig", s.mac(chart, out))
	return out, nil
}

// Verify reports whether the parameters carry a valid, unexpired signature over the chart and all
// of them.
func (s *Signer) Verify(chart string, params url.Values) error {
	const op = "portal: verify"
	if !s.Enabled() {
		return errs.E(op, errs.Permission, errs.Msg("Liên kết có chữ ký không dùng được: máy chủ chưa cấu hình khoá ký."))
	}
	sig := params.Get("sig")
	if sig == "" || !hmac.Equal([]byte(sig), []byte(s.mac(chart, params))) {
		return errs.E(op, errs.Permission, errs.Msg("Liên kết biểu đồ không hợp lệ hoặc đã bị sửa đổi."))
	}
	exp, err := strconv.ParseInt(params.Get("exp"), 10, 64)
	if err != nil || s.now().Unix() > exp {
		return errs.E(op, errs.Permission, errs.Msg("Liên kết biểu đồ đã hết hạn."))
	}
	return nil
}

// mac is the HMAC-SHA256 of the chart and the parameters other than sig, in a canonical order.
func (s *Signer) mac(chart string, params url.Values) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "sig" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(url.PathEscape(chart))
	b.WriteByte('?')
	for _, k := range keys {
		vs := append([]string(nil), params[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
			b.WriteByte('&')
		}
	}
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(b.String()))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Link is a signed chart link: the page to embed and the data it draws.
type Link struct {
	Page, Data string
	Expires    time.Time
}

// MaxLinkLifetime bounds how long a signed link may work.
const MaxLinkLifetime = 366 * 24 * time.Hour

// SignLink makes a signed link to a chart for a leader or an admin: the chart and its parameters,
// locked, and full=1 when the figures are to be shown without suppression.
func (s *Signer) SignLink(ctx context.Context, chart string, params url.Values, full bool, ttl time.Duration) (*Link, error) {
	const op = "portal: sign link"
	id := auth.FromContext(ctx)
	if id.Role != auth.Leader && id.Role != auth.Admin {
		return nil, errs.E(op, errs.Permission, errs.Msg("Chỉ lãnh đạo và quản trị viên được tạo liên kết biểu đồ có chữ ký."))
	}
	if !slices.Contains(Charts, chart) {
		return nil, errs.E(op, errs.Invalid, errs.Msgf("Không có biểu đồ %q.", chart))
	}
	if ttl <= 0 || ttl > MaxLinkLifetime {
		return nil, errs.E(op, errs.Invalid, errs.Msg("Thời hạn liên kết phải từ 1 giờ đến 366 ngày."))
	}
	clean := url.Values{}
	for k, vs := range params {
		if !slices.Contains(chartParams, k) || k == "sig" || k == "exp" || k == "full" {
			return nil, errs.E(op, errs.Invalid, errs.Msgf("Tham số %q không được hỗ trợ.", k))
		}
		clean[k] = vs
	}
	if full {
		clean.Set("full", "1")
	}
	signed, err := s.Sign(chart, clean, ttl)
	if err != nil {
		return nil, err
	}
	exp, _ := strconv.ParseInt(signed.Get("exp"), 10, 64)
	q := signed.Encode()
	return &Link{Page: "/embed/" + chart + "?" + q, Data: "/embed/data/" + chart + "?" + q, Expires: time.Unix(exp, 0)}, nil
}

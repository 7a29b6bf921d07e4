package account

import (
	"crypto/subtle"
	"encoding/json"
	"hotro/internal/auth"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"hotro/internal/errs"
	"hotro/internal/httperr"
)

// Cookie and header names shared with the dashboard.
const (
	SessionCookie = "hotro_session"
	CSRFCookie    = "hotro_csrf"
	CSRFHeader    = "X-CSRF-Token"
)

// HTTP adapts the service to HTTP: the middleware that names the caller of every request, and the
// /auth/ endpoints.
type HTTP struct {
	svc *Service
	log *slog.Logger
	// crossOrigin refuses state-changing requests a browser sends from another origin (by
	// Sec-Fetch-Site, or Origin against Host in older browsers): sign-in, and requests riding on the
	// session cookie.
	crossOrigin *http.CrossOriginProtection
	// SecureCookies forces the Secure flag; cookies are Secure anyway on TLS requests.
	SecureCookies bool
	// TrustedProxies are the proxies whose X-Forwarded-For names the client (none: the peer is).
	TrustedProxies []netip.Prefix
	// Classify names the kind of an error no domain package classified (database down or full).
	Classify func(error) errs.Kind
	// GraphQLPath is where the API answers (/graphql): the middleware's refusals of requests to it
	// take GraphQL's shape ({"errors": [{"message", "extensions": {"code"}}]}), so that a client
	// reads them as it reads every other error of the API. Empty: every refusal is plain JSON.
	GraphQLPath string
}

// refuse answers a request the middleware does not let through, in the shape its path expects.
func (h *HTTP) refuse(w http.ResponseWriter, r *http.Request, status int, kind errs.Kind, msg string) {
	if h.GraphQLPath != "" && r.URL.Path == h.GraphQLPath {
		httperr.WriteGraphQL(w, status, kind, msg)
		return
	}
	httperr.Write(w, status, kind, msg)
}

// NewHTTP returns the HTTP adapter of svc.
func NewHTTP(svc *Service, log *slog.Logger) *HTTP {
	return &HTTP{svc: svc, log: log, crossOrigin: http.NewCrossOriginProtection()}
}

// Middleware puts the caller's auth.Identity in the request context: from a Bearer token, or a session
// cookie (whose state-changing requests must carry the CSRF token), or auth.Anonymous; and the
// client's address (auth.ClientAddr), the peer or the client a trusted proxy names.
func (h *HTTP) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Every request carries its client's address, for the limits on public writes (feedback).
		r = r.WithContext(auth.WithClientAddr(r.Context(), h.clientAddr(r)))
		ctx := r.Context()
		if authz := r.Header.Get("Authorization"); authz != "" {
			scheme, secret, _ := strings.Cut(authz, " ")
			if !strings.EqualFold(scheme, "Bearer") {
				httperr.Write(w, http.StatusUnauthorized, errs.Unauthorized, "Chỉ chấp nhận xác thực Bearer token.")
				return
			}
			id, err := h.svc.TokenIdentity(ctx, strings.TrimSpace(secret))
			if err != nil {
				h.fail(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(auth.WithIdentity(ctx, id)))
			return
		}
		c, err := r.Cookie(SessionCookie)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		id, csrf, err := h.svc.SessionIdentity(ctx, c.Value)
		if err != nil {
			if errs.Is(errs.Unauthorized, err) {
				// A stale cookie: forget it and go on as a visitor.
				h.clearCookies(w, r)
				next.ServeHTTP(w, r)
				return
			}
			h.fail(w, r, err)
			return
		}
		// A state-changing request riding on the cookie must come from this origin, and carry the
		// session's CSRF token too: browsers too old to say where a request comes from (no
		// Sec-Fetch-Site, no Origin) are still covered by the token.
		if h.crossOrigin.Check(r) != nil {
			h.refuse(w, r, http.StatusForbidden, errs.Permission, "Yêu cầu gửi từ trang khác bị từ chối.")
			return
		}
		if unsafeMethod(r.Method) && subtle.ConstantTimeCompare([]byte(r.Header.Get(CSRFHeader)), []byte(csrf)) != 1 {
			h.refuse(w, r, http.StatusForbidden, errs.Permission, csrfMessage)
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithIdentity(ctx, id)))
	})
}

// csrfMessage names the header a state-changing request on the session cookie must carry, and
// where its value comes from.
const csrfMessage = "Yêu cầu thay đổi dữ liệu (POST) bằng phiên đăng nhập phải gửi tiêu đề " + CSRFHeader +
	" với giá trị của cookie " + CSRFCookie + " (mã chống giả mạo CSRF). Hãy tải lại trang và thử lại."

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// Routes serves POST /auth/login, POST /auth/logout and GET /auth/me. Mount it under the middleware.
func (h *HTTP) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /auth/login", h.login)
	mux.HandleFunc("POST /auth/logout", h.logout)
	mux.HandleFunc("GET /auth/me", h.me)
	return mux
}

type meJSON struct {
	Username    string    `json:"username"`
	DisplayName string    `json:"displayName"`
	Role        auth.Role `json:"role"`
	Wards       []string  `json:"wards"`
}

func meOf(id *auth.Identity) meJSON {
	wards := id.WardCodes
	if wards == nil {
		wards = []string{}
	}
	return meJSON{Username: id.Username, DisplayName: id.DisplayName, Role: id.Role, Wards: wards}
}

func (h *HTTP) login(w http.ResponseWriter, r *http.Request) {
	// No session yet to hold a CSRF token: a sign-in posted from another site (login CSRF) is known
	// by where the browser says it comes from.
	if h.crossOrigin.Check(r) != nil {
		httperr.Write(w, http.StatusForbidden, errs.Permission, "Yêu cầu đăng nhập từ trang khác bị từ chối.")
		return
	}
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&in); err != nil {
			httperr.Write(w, http.StatusBadRequest, errs.Invalid, "Yêu cầu đăng nhập không hợp lệ.")
			return
		}
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, 4096)
		in.Username, in.Password = r.PostFormValue("username"), r.PostFormValue("password")
	}
	if in.Username == "" || in.Password == "" {
		httperr.Write(w, http.StatusBadRequest, errs.Invalid, "Vui lòng nhập tên đăng nhập và mật khẩu.")
		return
	}
	sess, id, err := h.svc.Login(r.Context(), in.Username, in.Password, h.clientAddr(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	secure := h.SecureCookies || r.TLS != nil
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: sess.Token, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
	http.SetCookie(w, &http.Cookie{Name: CSRFCookie, Value: sess.CSRF, Path: "/", Expires: sess.ExpiresAt,
		Secure: secure, SameSite: http.SameSiteStrictMode})
	writeJSON(w, http.StatusOK, meOf(id))
}

func (h *HTTP) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SessionCookie); err == nil && auth.FromContext(r.Context()).SignedIn() {
		if err := h.svc.Logout(r.Context(), c.Value); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.clearCookies(w, r)
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

func (h *HTTP) me(w http.ResponseWriter, r *http.Request) {
	id := auth.FromContext(r.Context())
	w.Header().Set("Cache-Control", "no-store")
	if !id.SignedIn() {
		httperr.Write(w, http.StatusUnauthorized, errs.Unauthorized, "Chưa đăng nhập.")
		return
	}
	writeJSON(w, http.StatusOK, meOf(id))
}

func (h *HTTP) clearCookies(w http.ResponseWriter, r *http.Request) {
	secure := h.SecureCookies || r.TLS != nil
	for _, name := range []string{SessionCookie, CSRFCookie} {
		http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
			HttpOnly: name == SessionCookie, Secure: secure, SameSite: http.SameSiteLaxMode})
	}
}

// fail answers with the error's kind as the HTTP status; the sign-in backoff (TooComplex) is a rate:
// 429, with a Retry-After.
func (h *HTTP) fail(w http.ResponseWriter, r *http.Request, err error) {
	out := httperr.Writer{Op: "auth", Classify: h.Classify, Logger: h.log}
	if errs.Is(errs.TooComplex, err) {
		w.Header().Set("Retry-After", "60")
		out.ErrorStatus(w, r, err, http.StatusTooManyRequests)
		return
	}
	out.Error(w, r, err)
}

// clientAddr is the address that throttling counts and the audit trail records: the direct peer,
// or, when the peer is a trusted proxy, the nearest address in X-Forwarded-For that is not one (the
// entries further left are the client's to write).
func (h *HTTP) clientAddr(r *http.Request) string {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			return r.RemoteAddr
		}
		return host
	}
	addr := peer.Addr().Unmap()
	if !h.trusted(addr) {
		return addr.String()
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		addr = hop.Unmap()
		if !h.trusted(addr) {
			break
		}
	}
	return addr.String()
}

func (h *HTTP) trusted(addr netip.Addr) bool {
	for _, p := range h.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// test_idp is the OpenID Connect identity provider of OpenSSAD's tests: it generates its signing keys at
// start, serves their JWKS over HTTP on a loopback port and issues signed tokens (JWS compact form) on
// request, with go-jose (gopkg.in/square/go-jose.v2, Debian's golang-gopkg-square-go-jose.v2-dev), an
// implementation of JOSE that shares no code with OpenSSAD's verifier (src/identity/jwt.cpp). CMake
// builds it offline (GOPATH=/usr/share/gocode, GO111MODULE=off); tests/support/test_idp.hpp runs it.
//
//	test_idp [--issuer URL] [--jwks-file PATH]
//
// It listens on 127.0.0.1:0 and prints its base URL ("http://127.0.0.1:PORT") as the first line of
// standard output. The issuer is --issuer, or that base URL. --jwks-file PATH: the public JWKS is also
// written to PATH, at start and after every rotation. It exits when standard input closes, or on SIGTERM
// or SIGINT, so that a test that dies does not leave it running.
//
//	GET  /jwks[?kid=K]                       the public JWKS (counted in /stats); with kid, only that key
//	GET  /padded-jwks?bytes=N                the JWKS with a "padding" member of N bytes (size limits)
//	GET  /redirect?to=URL                    302 to URL (a fetcher must not follow it)
//	GET  /.well-known/openid-configuration   issuer and jwks_uri
//	GET  /stats                              {"jwks_requests": N, "tokens": N}
//	GET  /token?...                          a signed token, as text
//	POST /rotate?alg=A[&bits=N][&use=U][&jwk_alg=A][&retire=KID]
//	                                         adds a key of algorithm A (RS256, ES256, EdDSA) that becomes
//	                                         A's current key and prints its kid; bits: RSA modulus size
//	                                         (default 2048); use, jwk_alg: the JWK's "use" and "alg" as
//	                                         published (default "sig" and A); retire: drops that key from
//	                                         the JWKS (it can still sign, for tests of retired keys). With
//	                                         only retire, no key is added.
//
// /token's parameters (all optional):
//
//	alg=RS256|ES256|EdDSA   which current key signs (default RS256)
//	kid=K                   a key of the JWKS by kid signs (also a retired one); an unknown K: the current
//	                        key of alg signs and K is written in the header
//	now=UNIX_SECONDS        the time the relative claims count from (default: the real time)
//	exp=S nbf=S iat=S       seconds from now, may be fractional or negative (exp default 300, iat 0,
//	                        nbf absent); a fractional result is written as a fractional NumericDate
//	sub=S                   default "alice"
//	iss=S                   default the issuer
//	aud=A                   default "rdap.example"; repeated (aud=a&aud=b) or with aud_array=true: an array
//	purposes=a,b            rdap_allowed_purposes; dnt=true|false: rdap_dnt_allowed
//	omit=c1,c2              claims left out (iss, sub, aud, exp, iat)
//	extra={JSON object}     members merged into the claims last, as given (for malformed claims)
//	forge=none              {"alg":"none"} with the RSA key's kid and an empty signature
//	forge=hs256-public-key  HS256, the HMAC key being the current RSA key's public key in PEM (PKIX);
//	                        forge=hs256-public-key-der: the same key in DER
//	forge=bad-signature     a valid token with one byte of its signature flipped
//	forge=unknown-kid       signed by alg's current key, with a kid the JWKS does not have
//	forge=alg-mismatch      "alg":"RS256" over the current EC key's kid, signed with the RSA key
//	nokid=true              no kid in the header
package main

import (
	"bufio"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/crypto/ed25519"
	jose "gopkg.in/square/go-jose.v2"
)

type key struct {
	kid       string
	alg       jose.SignatureAlgorithm
	private   crypto.Signer
	published bool
	use       string // the JWK's "use"
	jwkAlg    string // the JWK's "alg"
}

type provider struct {
	mu           sync.Mutex
	issuer       string
	base         string
	jwksFile     string
	keys         []*key                           // in creation order
	current      map[jose.SignatureAlgorithm]*key // the newest key of each algorithm
	serial       map[jose.SignatureAlgorithm]int  // kids are "<alg>-<serial>"
	jwksRequests int
	tokens       int
}

func newKey(alg jose.SignatureAlgorithm, rsaBits int) (crypto.Signer, error) {
	switch alg {
	case jose.RS256:
		return rsa.GenerateKey(rand.Reader, rsaBits)
	case jose.ES256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case jose.EdDSA:
		_, private, err := ed25519.GenerateKey(rand.Reader)
		return private, err
	}
	return nil, fmt.Errorf("unknown algorithm %q", alg)
}

// addKey adds a key of algorithm alg and makes it alg's current key. Callers hold p.mu.
func (p *provider) addKey(alg jose.SignatureAlgorithm, rsaBits int, use, jwkAlg string) (*key, error) {
	private, err := newKey(alg, rsaBits)
	if err != nil {
		return nil, err
	}
	p.serial[alg]++
	k := &key{
		kid:       fmt.Sprintf("%s-%d", strings.ToLower(string(alg)), p.serial[alg]),
		alg:       alg,
		private:   private,
		published: true,
		use:       use,
		jwkAlg:    jwkAlg,
	}
	p.keys = append(p.keys, k)
	p.current[alg] = k
	return k, nil
}

// jwks is the public JWK Set; with only != "", of that key alone. Callers hold p.mu.
func (p *provider) jwks(only string) ([]byte, error) {
	set := jose.JSONWebKeySet{}
	for _, k := range p.keys {
		if !k.published || (only != "" && k.kid != only) {
			continue
		}
		set.Keys = append(set.Keys, jose.JSONWebKey{
			Key:       k.private.Public(),
			KeyID:     k.kid,
			Algorithm: k.jwkAlg,
			Use:       k.use,
		})
	}
	return json.Marshal(set)
}

// writeJWKSFile replaces --jwks-file atomically. Callers hold p.mu.
func (p *provider) writeJWKSFile() error {
	if p.jwksFile == "" {
		return nil
	}
	body, err := p.jwks("")
	if err != nil {
		return err
	}
	temporary := p.jwksFile + ".tmp"
	if err := os.WriteFile(temporary, body, 0o600); err != nil {
		return err
	}
	return os.Rename(temporary, p.jwksFile)
}

func parseAlg(text string) (jose.SignatureAlgorithm, error) {
	switch text {
	case "", "RS256":
		return jose.RS256, nil
	case "ES256":
		return jose.ES256, nil
	case "EdDSA":
		return jose.EdDSA, nil
	}
	return "", fmt.Errorf("unknown alg %q", text)
}

// numericDate writes a NumericDate as an integer when it is one, else as a fraction.
func numericDate(seconds float64) interface{} {
	if seconds == math.Trunc(seconds) {
		return int64(seconds)
	}
	return seconds
}

func parseSeconds(text string, fallback float64) (float64, error) {
	if text == "" {
		return fallback, nil
	}
	return strconv.ParseFloat(text, 64)
}

func b64(data []byte) string { return base64.RawURLEncoding.EncodeToString(data) }

// claims builds the token's claims from /token's parameters.
func (p *provider) claims(q map[string][]string) (map[string]interface{}, error) {
	get := func(name string) string {
		if values := q[name]; len(values) > 0 {
			return values[0]
		}
		return ""
	}
	now := float64(time.Now().Unix())
	if text := get("now"); text != "" {
		var err error
		if now, err = strconv.ParseFloat(text, 64); err != nil {
			return nil, fmt.Errorf("now: %v", err)
		}
	}
	claims := map[string]interface{}{}
	claims["iss"] = p.issuer
	if _, given := q["iss"]; given {
		claims["iss"] = get("iss")
	}
	claims["sub"] = "alice"
	if _, given := q["sub"]; given {
		claims["sub"] = get("sub")
	}
	audiences := q["aud"]
	if len(audiences) == 0 {
		audiences = []string{"rdap.example"}
	}
	if len(audiences) > 1 || get("aud_array") == "true" {
		claims["aud"] = audiences
	} else {
		claims["aud"] = audiences[0]
	}
	for _, relative := range []struct {
		name     string
		fallback float64
		present  bool
	}{{"exp", 300, true}, {"iat", 0, true}, {"nbf", 0, false}} {
		_, given := q[relative.name]
		if !given && !relative.present {
			continue
		}
		offset, err := parseSeconds(get(relative.name), relative.fallback)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", relative.name, err)
		}
		claims[relative.name] = numericDate(now + offset)
	}
	if _, given := q["purposes"]; given {
		purposes := []string{}
		if text := get("purposes"); text != "" {
			purposes = strings.Split(text, ",")
		}
		claims["rdap_allowed_purposes"] = purposes
	}
	if text := get("dnt"); text != "" {
		claims["rdap_dnt_allowed"] = text == "true"
	}
	if text := get("omit"); text != "" {
		for _, name := range strings.Split(text, ",") {
			delete(claims, name)
		}
	}
	if text := get("extra"); text != "" {
		extra := map[string]interface{}{}
		if err := json.Unmarshal([]byte(text), &extra); err != nil {
			return nil, fmt.Errorf("extra: %v", err)
		}
		for name, value := range extra {
			claims[name] = value
		}
	}
	return claims, nil
}

// sign signs payload with private under alg, writing kid in the protected header.
func sign(alg jose.SignatureAlgorithm, private interface{}, kid string, payload []byte) (string, error) {
	options := (&jose.SignerOptions{}).WithType("JWT")
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: private, KeyID: kid}},
		options)
	if err != nil {
		return "", err
	}
	signed, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return signed.CompactSerialize()
}

// hmacWithPublicKey is the algorithm-confusion attack: HS256 keyed with the bytes of the issuer's public
// RSA key, which a verifier taking `alg` from the token would use as the HMAC secret.
func hmacWithPublicKey(public crypto.PublicKey, kid string, payload []byte, asPEM bool) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(public)
	if err != nil {
		return "", err
	}
	secret := der
	if asPEM {
		secret = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	}
	options := (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: secret}, options)
	if err != nil {
		return "", err
	}
	signed, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return signed.CompactSerialize()
}

func (p *provider) token(q map[string][]string) (string, error) {
	get := func(name string) string {
		if values := q[name]; len(values) > 0 {
			return values[0]
		}
		return ""
	}
	claims, err := p.claims(q)
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	alg, err := parseAlg(get("alg"))
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tokens++
	signing := p.current[alg]
	kid := signing.kid
	if wanted := get("kid"); wanted != "" {
		kid = wanted
		for _, k := range p.keys {
			if k.kid == wanted {
				signing = k
			}
		}
	}
	if get("nokid") == "true" {
		kid = ""
	}
	switch forge := get("forge"); forge {
	case "":
		return sign(signing.alg, signing.private, kid, payload)
	case "none":
		header := fmt.Sprintf(`{"alg":"none","kid":%q,"typ":"JWT"}`, p.current[jose.RS256].kid)
		return b64([]byte(header)) + "." + b64(payload) + ".", nil
	case "hs256-public-key", "hs256-public-key-der":
		rsaKey := p.current[jose.RS256]
		return hmacWithPublicKey(rsaKey.private.Public(), rsaKey.kid, payload, forge == "hs256-public-key")
	case "bad-signature":
		token, err := sign(signing.alg, signing.private, kid, payload)
		if err != nil {
			return "", err
		}
		dot := strings.LastIndexByte(token, '.')
		signature, err := base64.RawURLEncoding.DecodeString(token[dot+1:])
		if err != nil {
			return "", err
		}
		signature[len(signature)/2] ^= 0x01
		return token[:dot+1] + b64(signature), nil
	case "unknown-kid":
		p.serial["unknown"]++
		return sign(signing.alg, signing.private, fmt.Sprintf("unknown-%d", p.serial["unknown"]), payload)
	case "alg-mismatch":
		return sign(jose.RS256, p.current[jose.RS256].private, p.current[jose.ES256].kid, payload)
	default:
		return "", fmt.Errorf("unknown forge %q", forge)
	}
}

func (p *provider) rotate(q map[string][]string) (string, error) {
	get := func(name string) string {
		if values := q[name]; len(values) > 0 {
			return values[0]
		}
		return ""
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if retire := get("retire"); retire != "" {
		found := false
		for _, k := range p.keys {
			if k.kid == retire {
				k.published = false
				found = true
			}
		}
		if !found {
			return "", fmt.Errorf("no key %q to retire", retire)
		}
	}
	added := ""
	if _, given := q["alg"]; given {
		alg, err := parseAlg(get("alg"))
		if err != nil {
			return "", err
		}
		bits := 2048
		if text := get("bits"); text != "" {
			if bits, err = strconv.Atoi(text); err != nil {
				return "", fmt.Errorf("bits: %v", err)
			}
		}
		use := "sig"
		if _, given := q["use"]; given {
			use = get("use")
		}
		jwkAlg := string(alg)
		if _, given := q["jwk_alg"]; given {
			jwkAlg = get("jwk_alg")
		}
		k, err := p.addKey(alg, bits, use, jwkAlg)
		if err != nil {
			return "", err
		}
		added = k.kid
	}
	return added, p.writeJWKSFile()
}

func (p *provider) routes() *http.ServeMux {
	mux := http.NewServeMux()
	reply := func(w http.ResponseWriter, contentType string, body []byte) {
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write(body)
	}
	refuse := func(w http.ResponseWriter, err error) {
		http.Error(w, err.Error(), http.StatusBadRequest)
	}
	onlyMethod := func(method string, handler http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Method != method {
				http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
				return
			}
			handler(w, r)
		}
	}
	mux.HandleFunc("/jwks", onlyMethod(http.MethodGet, func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.jwksRequests++
		body, err := p.jwks(r.URL.Query().Get("kid"))
		p.mu.Unlock()
		if err != nil {
			refuse(w, err)
			return
		}
		reply(w, "application/jwk-set+json", body)
	}))
	mux.HandleFunc("/padded-jwks", onlyMethod(http.MethodGet, func(w http.ResponseWriter, r *http.Request) {
		size, err := strconv.Atoi(r.URL.Query().Get("bytes"))
		if err != nil {
			refuse(w, err)
			return
		}
		p.mu.Lock()
		body, err := p.jwks("")
		p.mu.Unlock()
		if err != nil {
			refuse(w, err)
			return
		}
		padded := append([]byte(`{"padding":"`+strings.Repeat("x", size)+`",`), body[1:]...)
		reply(w, "application/jwk-set+json", padded)
	}))
	mux.HandleFunc("/redirect", onlyMethod(http.MethodGet, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	}))
	mux.HandleFunc("/.well-known/openid-configuration", onlyMethod(http.MethodGet,
		func(w http.ResponseWriter, r *http.Request) {
			body, _ := json.Marshal(map[string]interface{}{
				"issuer":                                p.issuer,
				"jwks_uri":                              p.base + "/jwks",
				"id_token_signing_alg_values_supported": []string{"RS256", "ES256", "EdDSA"},
			})
			reply(w, "application/json", body)
		}))
	mux.HandleFunc("/stats", onlyMethod(http.MethodGet, func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		body, _ := json.Marshal(map[string]int{"jwks_requests": p.jwksRequests, "tokens": p.tokens})
		p.mu.Unlock()
		reply(w, "application/json", body)
	}))
	mux.HandleFunc("/token", onlyMethod(http.MethodGet, func(w http.ResponseWriter, r *http.Request) {
		token, err := p.token(r.URL.Query())
		if err != nil {
			refuse(w, err)
			return
		}
		reply(w, "text/plain", []byte(token))
	}))
	mux.HandleFunc("/rotate", onlyMethod(http.MethodPost, func(w http.ResponseWriter, r *http.Request) {
		kid, err := p.rotate(r.URL.Query())
		if err != nil {
			refuse(w, err)
			return
		}
		reply(w, "text/plain", []byte(kid))
	}))
	return mux
}

func run() error {
	issuer := flag.String("issuer", "", "the tokens' iss (default: the base URL)")
	jwksFile := flag.String("jwks-file", "", "also write the public JWKS to this file")
	flag.Parse()
	if flag.NArg() != 0 {
		return errors.New("usage: test_idp [--issuer URL] [--jwks-file PATH]")
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	p := &provider{
		base:     "http://" + listener.Addr().String(),
		jwksFile: *jwksFile,
		current:  map[jose.SignatureAlgorithm]*key{},
		serial:   map[jose.SignatureAlgorithm]int{},
	}
	p.issuer = p.base
	if *issuer != "" {
		p.issuer = *issuer
	}
	for _, alg := range []jose.SignatureAlgorithm{jose.RS256, jose.ES256, jose.EdDSA} {
		if _, err := p.addKey(alg, 2048, "sig", string(alg)); err != nil {
			return err
		}
	}
	if err := p.writeJWKSFile(); err != nil {
		return err
	}

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		os.Exit(0)
	}()
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()

	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(out, p.base)
	if err := out.Flush(); err != nil {
		return err
	}
	server := &http.Server{Handler: p.routes(), ReadHeaderTimeout: 10 * time.Second}
	return server.Serve(listener)
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "test_idp:", err)
		os.Exit(1)
	}
}

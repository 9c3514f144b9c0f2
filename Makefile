# Front end for the two quick-start commands (README.md) and a few conveniences.
#   make demo  - install what is needed, build (release) and serve a demo registry on SQLite
#   make test  - install what is needed, build (debug) and run every test
# Builds are incremental; ccache is used when present.

DEMO_DOMAINS ?= 10000
DEMO_DB      ?= var/demo.db
DEMO_KEY     ?= var/demo-audit.key
DEMO_CONFIG  := var/demo.toml
DEMO_REQUESTOR_KEY := var/demo-requestor.key
HTTP         ?= 127.0.0.1:8080
WHOIS        ?= 127.0.0.1:4343
BASE_URL     ?=
SSAD_RELEASE := build/release/apps/ssad/ssad

.PHONY: setup build release demo test test-asan test-tsan format tidy clean

setup:
	@scripts/setup

build: setup
	cmake --preset debug >/dev/null
	cmake --build --preset debug

release: setup
	cmake --preset release >/dev/null
	cmake --build --preset release --target ssad

# The demo signs its audit log's checkpoints with a key of its own (docs/audit.md), made once.
demo: release
	@mkdir -p $(dir $(DEMO_DB)) $(dir $(DEMO_KEY))
	@test -f $(DEMO_KEY) || $(SSAD_RELEASE) audit keygen --out $(DEMO_KEY) --name demo.openssad.invalid/audit
	@printf '[audit]\nsigning_key = "%s"\n' "$(abspath $(DEMO_KEY))" > $(DEMO_CONFIG)
	$(SSAD_RELEASE) demo --domains $(DEMO_DOMAINS) --db $(DEMO_DB) --config $(DEMO_CONFIG)
	scripts/demo-requestor $(SSAD_RELEASE) $(DEMO_DB) $(DEMO_CONFIG) $(DEMO_REQUESTOR_KEY)
	$(SSAD_RELEASE) serve --db $(DEMO_DB) --config $(DEMO_CONFIG) --http $(HTTP) --whois $(WHOIS) \
	  $(if $(BASE_URL),--base-url $(BASE_URL))

test: build
	ctest --preset debug --output-on-failure -j2

test-asan: setup
	cmake --preset asan >/dev/null
	cmake --build --preset asan
	ctest --preset asan --output-on-failure -j2

test-tsan: setup
	cmake --preset tsan >/dev/null
	cmake --build --preset tsan
	ctest --preset tsan --output-on-failure -j2

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format-19 -i

# clang-tidy-19 over our sources (src/, apps/), with the clang (asan) build's compile commands; any
# finding fails (.clang-tidy: WarningsAsErrors). CI runs it.
tidy: setup
	cmake --preset asan >/dev/null
	git ls-files 'src/*.cpp' 'apps/*.cpp' | xargs -P2 -n4 clang-tidy-19 -p build/asan --quiet

clean:
	rm -rf build var

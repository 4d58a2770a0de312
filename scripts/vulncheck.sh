#!/usr/bin/env bash
# Known vulnerabilities of the code and its dependencies: govulncheck on
# ./... against a vulnerability database built locally from the OSV reports
# of a pinned golang.org/x/vulndb module version, so the check runs offline
# (only the Go module proxy, or the module cache, is needed) and gives the
# same answer until the pin is moved.
#
# The database is as of the date of VULNDB_VERSION (its pseudo-version's
# timestamp: 2026-11-05). To refresh it, bump VULNDB_VERSION to a newer
# pseudo-version (`go list -m golang.org/x/vulndb@latest` prints the newest;
# the module has no tagged versions); the next run builds the new database
# once and caches it.
#
# Fails (exit 3) when a vulnerability is found in code the project calls;
# vulnerabilities only in imported packages or required modules are listed
# but do not fail (see them with `scripts/vulncheck.sh -show verbose`).
# Arguments are passed to govulncheck. The database and the tools are cached
# in $OFFRES_VULNCHECK_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/offres-vulncheck),
# keyed by their versions.
#
# golang.org/x/vuln and golang.org/x/vulndb are run with `go install
# pkg@version`, outside the module's requirements: they are not in go.mod.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="/usr/local/go/bin:$PATH"

GOVULNCHECK_VERSION=v1.9.0
VULNDB_VERSION=v0.0.0-20261105234957-e22db6528018

start=$(date +%s)
cache="${OFFRES_VULNCHECK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/offres-vulncheck}"
gover=$(go env GOVERSION)
bin="$cache/bin/$gover"
db="$cache/db/$VULNDB_VERSION"
mkdir -p "$cache/bin" "$cache/db"
tmp=$(mktemp -d "$cache/tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# tool NAME PKG VERSION: the path of the binary of PKG@VERSION, installed
# once per Go version (outside this module, so go.mod is left alone).
tool() {
  local exe="$bin/$1@$3"
  if [ ! -x "$exe" ]; then
    echo "vulncheck: installing $2@$3" >&2
    (cd "$tmp" && GOBIN="$tmp/bin" go install "$2@$3")
    mkdir -p "$bin"
    mv "$tmp/bin/$1" "$exe"
  fi
  echo "$exe"
}

govulncheck=$(tool govulncheck golang.org/x/vuln/cmd/govulncheck "$GOVULNCHECK_VERSION")

if [ ! -f "$db/index/db.json" ]; then
  echo "vulncheck: building the vulnerability database of golang.org/x/vulndb@$VULNDB_VERSION" >&2
  indexdb=$(tool indexdb golang.org/x/vulndb/cmd/indexdb "$VULNDB_VERSION")
  src=$(cd "$tmp" && go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  if [ ! -d "$src/data/osv" ]; then
    echo "vulncheck: no data/osv in golang.org/x/vulndb@$VULNDB_VERSION ($src)" >&2
    exit 1
  fi
  "$indexdb" -vulns "$src/data/osv" -out "$tmp/db"
  # indexdb leaves the database's date at zero; stamp it with the date of
  # the vulndb commit, which govulncheck reports as the database's date.
  stamp=${VULNDB_VERSION#v0.0.0-}
  stamp=${stamp%%-*}
  modified="${stamp:0:4}-${stamp:4:2}-${stamp:6:2}T${stamp:8:2}:${stamp:10:2}:${stamp:12:2}Z"
  printf '{"modified":"%s"}' "$modified" >"$tmp/db/index/db.json"
  gzip -n -c "$tmp/db/index/db.json" >"$tmp/db/index/db.json.gz"
  rm -rf "$db"
  mv "$tmp/db" "$db"
fi

echo "vulncheck: govulncheck $GOVULNCHECK_VERSION, database golang.org/x/vulndb@$VULNDB_VERSION, $gover"
status=0
"$govulncheck" -db "file://$db" "$@" ./... || status=$?
echo "vulncheck: $(($(date +%s) - start)) s"
if [ "$status" -ne 0 ]; then
  echo "vulncheck: govulncheck exited with status $status (3: vulnerable code is called; upgrade the modules or Go as listed above)" >&2
fi
exit "$status"

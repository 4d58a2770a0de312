#!/usr/bin/env bash
# Sets up what the widget's browser tests (web/browser_test.go) need, when it
# is missing: Debian's chromium, Node.js and npm (installed with apt-get when
# run as root), and the pinned npm packages of web/test (playwright-core and
# axe-core, from its package-lock.json, into web/test/node_modules, which git
# ignores). No browser is ever downloaded: playwright-core drives
# /usr/bin/chromium. Exits 0 when everything is there, 1 otherwise, with the
# reason on stderr.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

apt_updated=
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "browser-setup: $* missing, and installing it needs root (apt-get install $*)" >&2
    return 1
  fi
  local log
  log=$(mktemp)
  echo "browser-setup: apt-get install $*" >&2
  if { [ -n "$apt_updated" ] || apt-get update -qq; } >"$log" 2>&1 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >>"$log" 2>&1; then
    apt_updated=1
    rm -f "$log"
    return 0
  fi
  cat "$log" >&2
  rm -f "$log"
  return 1
}

chromium=${OFFRES_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || apt_install chromium || exit 1
if [ ! -x "$chromium" ]; then echo "browser-setup: no browser at $chromium" >&2; exit 1; fi
command -v node >/dev/null || apt_install nodejs || exit 1
command -v npm >/dev/null || apt_install npm || exit 1
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "browser-setup: Node.js $(node --version) is too old: playwright-core needs 20 or later" >&2
  exit 1
fi

# npm ci when the installed packages are not those of the lock file.
dir="$root/web/test"
stamp="$dir/node_modules/.offres-lock"
if ! cmp -s "$dir/package-lock.json" "$stamp" 2>/dev/null; then
  echo "browser-setup: npm ci in web/test (playwright-core, axe-core)" >&2
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >&2
  cp "$dir/package-lock.json" "$stamp"
fi
echo "browser-setup: $("$chromium" --version 2>/dev/null | head -1), node $(node --version), playwright-core $(node -p "require('$dir/node_modules/playwright-core/package.json').version")" >&2

#!/usr/bin/env bash
# Installs what the end-to-end suite (npm run test:e2e) needs, idempotently:
#   - Debian packages: chromium (the browser playwright-core drives), libkrb5-dev (code-server's native
#     kerberos module), ripgrep (replaces the rg binary @vscode/ripgrep would download from GitHub);
#   - code-server@4.100.3 (VS Code 1.100.3's server and web workbench; the last release that runs on Node 20),
#     installed with the sequence recorded in ../shared/REAL-VSCODE.md, which works without GitHub access.
# Everything goes to a cache folder outside the work tree (default: $HOME/.cache/docker-modularity-e2e,
# override with DOCKER_MODULARITY_E2E_CACHE) and is reused when already there. Needs no stdin; runs as root
# (CI) or through sudo.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
CACHE="${DOCKER_MODULARITY_E2E_CACHE:-${HOME:-/root}/.cache/docker-modularity-e2e}"
TARGET="$CACHE/code-server-$CODE_SERVER_VERSION"
MARKER="$TARGET/.installed"

export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
# code-server's install steps refuse to run as root without this (pitfall 1).
export npm_config_unsafe_perm=true
# node-gyp compiles the native modules with every core (make -jN), which halves the longest step.
export JOBS="${JOBS:-max}"

t_start=$(date +%s)
step_start=$t_start
step() { # step <label>: prints how long the previous step took
  local now
  now=$(date +%s)
  echo "[e2e-setup] $1 ($((now - step_start)) s)"
  step_start=$now
}

# --- Debian packages -------------------------------------------------------------------------------
want_pkgs=(chromium libkrb5-dev ripgrep)
missing=()
for p in "${want_pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "[e2e-setup] installing Debian packages: ${missing[*]}"
  SUDO=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || {
      echo "[e2e-setup] need root (or sudo) to apt-get install ${missing[*]}" >&2
      exit 1
    }
    SUDO=(sudo -n)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q </dev/null
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
  step "Debian packages installed"
else
  step "Debian packages already present (${want_pkgs[*]})"
fi
for f in /usr/bin/chromium /usr/bin/rg; do
  [ -x "$f" ] || {
    echo "[e2e-setup] expected $f after installing the Debian packages" >&2
    exit 1
  }
done

# --- code-server -----------------------------------------------------------------------------------
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" != 20 ]; then
  echo "[e2e-setup] warning: code-server@$CODE_SERVER_VERSION requires Node 20; this is Node $(node --version)" >&2
fi

if [ -f "$MARKER" ] && [ -f "$TARGET/node_modules/code-server/out/node/entry.js" ]; then
  step "code-server@$CODE_SERVER_VERSION already installed in $TARGET"
else
  # Build in a scratch folder and move it into place only when complete, so an interrupted run is
  # simply redone next time instead of being mistaken for an installation.
  mkdir -p "$CACHE"
  WORK="$TARGET.partial"
  rm -rf "$WORK"
  mkdir -p "$WORK"
  cd "$WORK"
  echo '{ "name": "docker-modularity-e2e-code-server", "private": true }' >package.json

  echo "[e2e-setup] npm install --ignore-scripts code-server@$CODE_SERVER_VERSION"
  npm install --no-progress --ignore-scripts --no-save "code-server@$CODE_SERVER_VERSION" </dev/null
  step "code-server package fetched"

  VSCODE="$WORK/node_modules/code-server/lib/vscode"
  cd "$VSCODE"
  npm install --no-progress --omit=dev --ignore-scripts </dev/null
  step "lib/vscode dependencies fetched"

  # @vscode/ripgrep's install script downloads rg from GitHub unless bin/ exists (pitfall 3).
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
  # node-pty's install script runs `npx node-gyp` (pitfall 4); kerberos needs libkrb5-dev (pitfall 2).
  npm_config_yes=true npm rebuild </dev/null
  step "lib/vscode native modules built"

  ln -sfn node_modules node_modules.asar
  ln -sfn code-linux.sh bin/remote-cli/code-server
  ln -sfn browser-linux.sh bin/helpers/browser.sh

  cd "$VSCODE/extensions"
  npm install --no-progress --omit=dev </dev/null
  step "built-in extensions' dependencies installed"

  cd "$WORK"
  npm rebuild argon2 </dev/null
  step "argon2 rebuilt"

  date -u +%FT%TZ >"$WORK/.installed"
  rm -rf "$TARGET"
  mv "$WORK" "$TARGET"
fi

# Smoke check: the server prints its version. Its config and data go to the cache, not to ~/.config or ~/.local.
version_line=$(XDG_CONFIG_HOME="$CACHE/config" XDG_DATA_HOME="$CACHE/data" node "$TARGET/node_modules/code-server/out/node/entry.js" --version </dev/null | tail -1)
echo "[e2e-setup] code-server: $version_line"
echo "[e2e-setup] chromium: $(/usr/bin/chromium --version 2>/dev/null || echo unknown)"
echo "[e2e-setup] ready in $(($(date +%s) - t_start)) s; cache: $CACHE"

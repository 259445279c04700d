# Helpers shared by .ci/gates.sh and .ci/consumer.sh.

# start_server LOG COMMAND…: start a server that prints "listening on http://127.0.0.1:PORT" and listens on a
# free port (port 0: no fixed port can collide with an ephemeral one in use elsewhere on the machine). Waits
# until it prints that line, or dies, or 120 s pass (start-up of one Node process; generous for a busy machine).
# Sets SERVER_PID and SERVER_URL; on failure prints why and the server's own output, and returns 1.
start_server() {
  local log=$1; shift
  "$@" > "$log" 2>&1 &
  SERVER_PID=$!
  SERVER_URL=
  local deadline=$(( $(date +%s) + 120 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    SERVER_URL=$(grep -m1 -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$log" | sed 's/^listening on //')
    [ -n "$SERVER_URL" ] && return 0
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "server exited before it listened: $*"; tail -20 "$log"; return 1
    fi
    sleep 0.2
  done
  echo "server did not print 'listening on …' within 120 s: $*"; tail -20 "$log"
  kill "$SERVER_PID" 2>/dev/null
  return 1
}

# free_port: a port nothing on 127.0.0.1 listens on now, for servers whose port must be known in advance (the
# http-api verifier's JWKS, which the API under test is told about): a fixed one may be taken by anything.
free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# stop_server: stop what start_server started.
stop_server() {
  [ -n "${SERVER_PID:-}" ] || return 0
  kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=
}

# ci_prepare_package DIR: pack the package into DIR (npm pack builds dist/ through prepack) and install the
# tarball into the scratch project DIR/installed, the way a user installs it. .ci/run does this once; the gates
# that install the package get the tarball as KTC_TARBALL and copy this install (ci_install_tarball).
ci_prepare_package() {
  local dir=$1 tarball
  (npm pack --silent --pack-destination "$dir" > "$dir/pack.log" 2>&1) || { cat "$dir/pack.log"; echo "npm pack failed"; return 1; }
  tarball=$(ls "$dir"/kinde-token-conformance-*.tgz) || { echo "npm pack wrote no tarball"; return 1; }
  echo "packed $tarball ($(du -k "$tarball" | cut -f1) kB)"
  mkdir -p "$dir/installed" || return 1
  echo '{ "name": "ktc-ci-installed", "version": "1.0.0", "private": true, "type": "module" }' > "$dir/installed/package.json"
  (cd "$dir/installed" && npm install --no-audit --no-fund --silent -D "$tarball" > install.log 2>&1) || { cat "$dir/installed/install.log"; echo "npm install of the tarball failed"; return 1; }
  echo "installed it in $dir/installed"
}

# ci_install_tarball TARBALL: install TARBALL as a devDependency of the scratch project in the current directory
# (its package.json written). When TARBALL is the one .ci/run packed, its install is copied (cp -a: nothing is
# shared between gates) and the dependency added to package.json, as `npm install -D TARBALL` would; otherwise
# (a gate run on its own) npm installs it. Output goes to install.log.
ci_install_tarball() {
  local tarball=$1
  if [ -n "${KTC_CI_INSTALLED:-}" ] && [ "$tarball" = "${KTC_TARBALL:-}" ] && [ -d "$KTC_CI_INSTALLED/node_modules/kinde-token-conformance" ]; then
    echo "copy of the install of $tarball in $KTC_CI_INSTALLED" > install.log
    cp -a "$KTC_CI_INSTALLED/node_modules" . >> install.log 2>&1 || return 1
    node -e '
      const fs = require("fs"), [own, installed] = ["package.json", process.argv[1] + "/package.json"].map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
      own.devDependencies = { ...own.devDependencies, ...installed.devDependencies };
      fs.writeFileSync("package.json", JSON.stringify(own, null, 2) + "\n");' "$KTC_CI_INSTALLED" >> install.log 2>&1
    return
  fi
  npm install --no-audit --no-fund --silent -D "$tarball" > install.log 2>&1
}

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

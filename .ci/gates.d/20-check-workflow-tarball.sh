# check-workflow from the packed tarball (issue 20 §3): every `npx kinde-token-conformance check-workflow …`
# command of the README's "For workflow authors" section, run as written in a scratch project under a temp
# dir that has the package installed, a workflow author's kindeSrc/kinde.json, and the shipped examples
# copied as the README says. A command may find errors (exit 1: the example project has one workflow per
# finding) but never a usage error (exit 2: ENOENT, a flag the README shows that does not exist) or an
# internal error; the tutorial on its fixtures must be clean (exit 0).
check_workflow_tarball() {
  local root work tarball section cmd rc n=0
  root=$(pwd)
  work=$(mktemp -d /tmp/ktc-cw-tarball.XXXXXX)
  tarball=${KTC_TARBALL:-} # the tarball .ci/run packed once for every gate; packed here when there is none
  if [ -z "$tarball" ]; then
    (npm pack --silent --pack-destination "$work" > "$work/pack.log" 2>&1) || { cat "$work/pack.log"; echo "npm pack failed"; return 1; }
    tarball=$(ls "$work"/kinde-token-conformance-*.tgz)
  fi
  # The listing goes to a file first: with pipefail, `tar | grep -q` fails when grep stops reading early (SIGPIPE).
  tar -tzf "$tarball" > "$work/listing.txt" || { echo "tar could not list $tarball"; return 1; }
  grep -q 'package/examples/workflows/m2m-tutorial/fixtures.json' "$work/listing.txt" || { echo "examples/workflows/ is not in the tarball"; return 1; }
  mkdir -p "$work/app" && cd "$work/app" || return 1
  echo '{ "name": "scratch-workflow-author", "version": "1.0.0", "private": true, "type": "module" }' > package.json
  ci_install_tarball "$tarball" || { cat install.log; echo "npm install of the tarball failed"; cd "$root"; return 1; }
  # A workflow author's own project: kinde.json and kindeSrc at the root (here: the shipped example project's).
  cp -r node_modules/kinde-token-conformance/examples/workflows/check-workflow/kindeSrc node_modules/kinde-token-conformance/examples/workflows/check-workflow/kinde.json .
  section=$(awk '/^## For workflow authors/{on=1;next} /^## /{on=0} on' "$root/README.md")
  # Copy lines first (the README's own setup step), then every check-workflow command, in order.
  while IFS= read -r cmd; do
    case "$cmd" in
      "cp -r node_modules/kinde-token-conformance/examples ."*) eval "${cmd%%#*}" || { echo "failed: $cmd"; cd "$root"; return 1; } ;;
      "npx kinde-token-conformance check-workflow"*)
        n=$((n + 1))
        timeout 900 bash -c "${cmd%%#*}" > "cmd$n.log" 2>&1
        rc=$?
        echo "exit $rc: $cmd"
        if [ "$rc" -ge 2 ] || grep -qE 'ENOENT|internal error|check-workflow could not' "cmd$n.log"; then
          tail -20 "cmd$n.log"; cd "$root"; return 1
        fi
        case "$cmd" in *m2m-tutorial*) [ "$rc" -eq 0 ] || { tail -20 "cmd$n.log"; cd "$root"; return 1; } ;; esac
        ;;
    esac
  done < <(printf '%s\n' "$section" | awk '/^```sh/{on=1;next} /^```/{on=0} on')
  cd "$root" || return 1
  [ "$n" -ge 5 ] || { echo "only $n check-workflow commands found in the README section"; return 1; }
  rm -rf "$work"
}
gate_bg "check-workflow: every README command of 'For workflow authors' works from the installed tarball" check_workflow_tarball

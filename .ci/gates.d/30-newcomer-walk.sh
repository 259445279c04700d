# Every command block of README.md and docs/*.md, run as written from the packed tarball (or a clone where the
# block says so): a printed command that does not work where it is printed fails CI. Generic: blocks added by
# anyone are walked; a block that cannot run says why in a <!-- walk: skip: reason --> comment.
gate_bg --first "newcomer walk: every command block of README.md and docs/*.md runs as written" bash .ci/newcomer-walk.sh

#!/bin/sh
# Smoke test of the standalone app (make standalone-check; docs/standalone.md).
#
#   sh packaging/check-standalone.sh [EXECUTABLE]   (default dist/alliance-advisor/alliance-advisor)
#
# Runs the built executable with an empty environment: no PATH, PYTHONPATH or
# PYTHONHOME, only a fresh HOME and QT_QPA_PLATFORM=offscreen, from an empty folder, so
# nothing of a Python installation or of the repository can stand in for the bundle.
# It checks that the program starts (--version), that the window opens, analyses a case
# and quits (gui --smoke), that a case of the shipped library is analysed by its path
# (analyze knowledge/cases/norway_1949.yaml) and that a PDF report is written (it starts
# with %PDF and has pages). Each step prints its wall time. Exit 0 when all pass.
set -eu

APP=${1:-dist/alliance-advisor/alliance-advisor}
CASE=knowledge/cases/norway_1949.yaml
case $APP in /*) ;; *) APP=$(pwd)/$APP ;; esac
if [ ! -x "$APP" ]; then
	echo "standalone-check: $APP: no such executable (run make standalone first)" >&2
	exit 2
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/home"
cd "$WORK"

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
fail() {
	echo "standalone-check: FAILED: $1" >&2
	exit 1
}
# One step: the app in an empty environment, its stdout in $WORK/out, its stderr in $WORK/err.
step() {
	name=$1
	shift
	start=$(now)
	if ! env -i HOME="$WORK/home" QT_QPA_PLATFORM=offscreen "$APP" "$@" >"$WORK/out" 2>"$WORK/err"; then
		cat "$WORK/err" >&2
		fail "$name: exit code not 0"
	fi
	echo "ok  $(seconds "$start" "$(now)") s  $name"
}

step "--version" --version
grep -q "^Alliance Advisor " "$WORK/out" || fail "--version printed: $(cat "$WORK/out")"
sed 's/^/      /' "$WORK/out"

step "gui --smoke --case $CASE" gui --smoke --case "$CASE"
grep -q "^smoke: offscreen window .* case opened, verdict " "$WORK/out" || fail "the window: $(cat "$WORK/out")"
sed 's/^/      /' "$WORK/out"

step "analyze $CASE" analyze "$CASE"
grep -q "^Verdict: " "$WORK/out" || fail "no verdict in the analysis"
grep "^Verdict: " "$WORK/out" | sed 's/^/      /'

step "analyze $CASE --format pdf" analyze "$CASE" --format pdf --output "$WORK/norway.pdf"
[ "$(head -c 5 "$WORK/norway.pdf")" = "%PDF-" ] || fail "the report does not start with %PDF-"
pages=$(grep -a -c '/Type */Page\([^s]\|$\)' "$WORK/norway.pdf" || true)
[ "$pages" -ge 1 ] || fail "the PDF report has no page"
echo "      $pages pages, $(wc -c <"$WORK/norway.pdf") bytes"

echo "standalone-check: all passed ($APP)"

#!/usr/bin/env bash
# Prints the MySQL/MariaDB EXPLAIN of the issue-6 hot queries (doctor's queue,
# access log, the doctor's consultation page) after seeding a scratch database
# with `portal seed-scale`'s data set (models.SeedScale), and fails on a full scan
# of a big table. The scratch database is created and dropped by the test harness.
#
#   scripts/explain-scale.sh [full|small] [OUTPUT]     (default: full, /tmp/explain-scale.txt)
#
# Needs a server and a user allowed to create databases, e.g.
#   PORTAL_TEST_MYSQL_DSN='portal_test:portal_test@tcp(127.0.0.1:3306)/'
# Full scale (10,000 patients, 200 doctors, 200,000 documents) takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${2:-/tmp/explain-scale.txt}"
export PORTAL_TEST_MYSQL_DSN="${PORTAL_TEST_MYSQL_DSN:-portal_test:portal_test@tcp(127.0.0.1:3306)/}"
export PORTAL_TEST_REQUIRE=mysql PORTAL_SCALE="${1:-full}" PORTAL_SCALE_EXPLAIN="$out"
set +e
go test ./models -run '^TestScaleExplain$' -count=1 -timeout 60m -v 2>&1 | grep -E '^(---|ok|FAIL)|full scan|scale_seed_test'
status=${PIPESTATUS[0]}
set -e
[ -f "$out" ] && cat "$out"
exit "$status"

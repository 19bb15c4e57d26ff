#!/usr/bin/env bash
# Smoke test of the local RADOS Gateway (started by start.sh) with real S3 calls
# signed by curl's SigV4 support. Checks conditional writes (If-None-Match / If-Match),
# their behaviour under concurrency, and ListObjectsV2 with start-after.
# Prints one line per check and "N passed, N failed" at the end; exits 1 on any failure.
set -euo pipefail

PORT="${STREAMSTORE_S3_PORT:-7480}"
ENDPOINT="${STREAMSTORE_S3_ENDPOINT:-http://127.0.0.1:${PORT}}"
ACCESS_KEY="${STREAMSTORE_S3_ACCESS_KEY:-streamstore-test-key}"
SECRET_KEY="${STREAMSTORE_S3_SECRET_KEY:-streamstore-test-secret}"
REGION="${STREAMSTORE_S3_REGION:-us-east-1}"
BUCKET="${STREAMSTORE_S3_BUCKET:-streamstore-test}"
RACERS="${STREAMSTORE_S3_RACERS:-8}"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PREFIX="smoke-$(date +%s)-$$"
passed=0
failed=0

# curl signs with SigV4 but (in Debian 12's curl 7.88) neither adds x-amz-content-sha256,
# which RGW requires, nor percent-encodes query values: we do both ourselves.
SIGN=(--aws-sigv4 "aws:amz:${REGION}:s3" --user "${ACCESS_KEY}:${SECRET_KEY}"
  -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD')

urlenc() { # RFC 3986 encoding as SigV4 wants it (keeps A-Za-z0-9-._~)
  local s="$1" out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c="${s:i:1}"
    case "$c" in
      [A-Za-z0-9._~-]) out+="$c" ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

# s3 METHOD PATH [curl args...] -> sets CODE, ETAG, ERR (S3 error code), BODY file $TMP/body
s3() {
  local method="$1" path="$2"
  shift 2
  CODE=$(curl -sS -o "$TMP/body" -D "$TMP/hdr" -w '%{http_code}' "${SIGN[@]}" -X "$method" "$@" "${ENDPOINT}${path}" || echo 000)
  ETAG=$(grep -i '^etag:' "$TMP/hdr" | head -n1 | cut -d' ' -f2- | tr -d '\r' || true)
  ERR=$( (grep -o '<Code>[^<]*' "$TMP/body" || true) | head -n1 | cut -c7-)
}

check() { # check NAME EXPECTED ACTUAL
  if [[ "$3" == "$2" ]]; then
    passed=$((passed + 1))
    echo "ok   - $1 (got $3)"
  else
    failed=$((failed + 1))
    echo "FAIL - $1: expected $2, got $3${ERR:+ ($ERR)}"
  fi
}

unquote() { local e="${1#\"}"; printf '%s' "${e%\"}"; }

echo "# S3 smoke test against $ENDPOINT bucket $BUCKET (keys under $PREFIX/)"

# ---- bucket (re-creating an own bucket answers 200 on RGW)
s3 PUT "/$BUCKET"
[[ "$CODE" == 409 ]] && [[ "$ERR" == BucketAlreadyOwnedByYou ]] && CODE=200
check "create bucket $BUCKET" 200 "$CODE"

K="/$BUCKET/$PREFIX/obj"

# ---- If-None-Match: *
s3 PUT "$K" --data-binary v1 -H 'If-None-Match: *'
check "PUT If-None-Match:* on a new key" 200 "$CODE"
E1="$ETAG"
s3 PUT "$K" --data-binary v1-again -H 'If-None-Match: *'
check "PUT If-None-Match:* on an existing key" 412 "$CODE"

# ---- If-Match with the current ETag, quoted as the ETag header returns it
s3 PUT "$K" --data-binary v2-quoted -H "If-Match: $E1"
check "PUT If-Match: \"<current etag>\" (quoted) - RGW quirk: 412" 412 "$CODE"
s3 GET "$K"
check "  ... object left unchanged" v1 "$(cat "$TMP/body")"

# ---- If-Match with the current ETag unquoted
s3 PUT "$K" --data-binary v2 -H "If-Match: $(unquote "$E1")"
check "PUT If-Match: <current etag> (unquoted)" 200 "$CODE"
E2="$ETAG"
s3 GET "$K"
check "  ... object replaced" v2 "$(cat "$TMP/body")"

# ---- stale ETag
s3 PUT "$K" --data-binary v3 -H "If-Match: $(unquote "$E1")"
check "PUT If-Match: <stale etag> (unquoted)" 412 "$CODE"
s3 PUT "$K" --data-binary v3 -H "If-Match: $E1"
check "PUT If-Match: \"<stale etag>\" (quoted)" 412 "$CODE"
s3 GET "$K"
check "  ... object left unchanged" v2 "$(cat "$TMP/body")"

# ---- If-Match on a key that does not exist (AWS documents 404 NoSuchKey here; RGW says 412)
s3 PUT "/$BUCKET/$PREFIX/missing" --data-binary x -H "If-Match: $(unquote "$E2")"
check "PUT If-Match on a missing key - RGW: 412" 412 "$CODE"
s3 HEAD "/$BUCKET/$PREFIX/missing" -I
check "  ... key still missing" 404 "$CODE"

# ---- reads accept both spellings
s3 GET "$K" -H "If-Match: $E2"
check "GET If-Match: \"<current etag>\" (quoted)" 200 "$CODE"
s3 GET "$K" -H "If-Match: $(unquote "$E2")"
check "GET If-Match: <current etag> (unquoted)" 200 "$CODE"
s3 GET "$K" -H "If-Match: $(unquote "$E1")"
check "GET If-Match: <stale etag>" 412 "$CODE"

s3 GET "/$BUCKET/$PREFIX/missing" -H "If-Match: $(unquote "$E2")"
check "GET If-Match on a missing key" 404 "$CODE"

# ---- more RGW specifics
s3 PUT "/$BUCKET/$PREFIX/missing" --data-binary x -H 'If-Match: *'
check "PUT If-Match:* on a missing key" 412 "$CODE"
s3 PUT "$K" --data-binary v3 -H 'If-Match: *'
check "PUT If-Match:* on an existing key" 200 "$CODE"
E3="$ETAG"
s3 PUT "$K" --data-binary v4 -H "If-Match: $(unquote "$E3")junk"
check "PUT If-Match: <current etag>junk - RGW quirk (prefix compare): 200" 200 "$CODE"
s3 PUT "$K" --data-binary v5 -H "If-None-Match: \"0123456789abcdef0123456789abcdef\""
check "PUT If-None-Match: <other etag> on an existing key" 200 "$CODE"
s3 DELETE "$K" -H "If-Match: $(unquote "$E1")"
check "DELETE If-Match: <stale etag> - RGW ignores the condition: 204" 204 "$CODE"
s3 HEAD "$K" -I
check "  ... object deleted" 404 "$CODE"
s3 PUT "$K" --data-binary v6 -H 'If-None-Match: *'
check "PUT If-None-Match:* after delete" 200 "$CODE"

# ---- ListObjectsV2 with start-after
for k in a b c d; do s3 PUT "/$BUCKET/$PREFIX/list/$k" --data-binary "$k"; done
s3 GET "/$BUCKET?list-type=2&prefix=$(urlenc "$PREFIX/list/")&start-after=$(urlenc "$PREFIX/list/b")"
check "ListObjectsV2 start-after status" 200 "$CODE"
keys=$(grep -o '<Key>[^<]*' "$TMP/body" | cut -c6- | sed "s#^$PREFIX/##" | tr '\n' ' ')
check "ListObjectsV2 start-after=list/b keys" "list/c list/d " "$keys"
s3 GET "/$BUCKET?list-type=2&max-keys=2&prefix=$(urlenc "$PREFIX/list/")"
keys=$(grep -o '<Key>[^<]*' "$TMP/body" | cut -c6- | sed "s#^$PREFIX/##" | tr '\n' ' ')
check "ListObjectsV2 max-keys=2 keys" "list/a list/b " "$keys"
check "ListObjectsV2 max-keys=2 IsTruncated" true "$(grep -o '<IsTruncated>[^<]*' "$TMP/body" | cut -c14-)"

# ---- races: N concurrent conditional PUTs on one key, exactly one must win
# Bodies differ per race: an ETag is the MD5 of the content, so a racer writing the very bytes
# already stored would keep the ETag and a later If-Match with it would rightly succeed too.
race() { # race KEY HEADER TAG -> prints "<winners> <412s> <others>", winner's body in $TMP/winner
  local key="$1" hdr="$2" tag="$3" i
  for i in $(seq 1 "$RACERS"); do
    curl -sS -o /dev/null -w '%{http_code}' "${SIGN[@]}" -X PUT --data-binary "$tag-racer-$i" \
      -H "$hdr" "${ENDPOINT}${key}" >"$TMP/race.$i" 2>/dev/null &
  done
  wait
  local w=0 p=0 o=0
  : >"$TMP/winner"
  for i in $(seq 1 "$RACERS"); do
    case "$(cat "$TMP/race.$i")" in
      200) w=$((w + 1)); echo -n "$tag-racer-$i" >"$TMP/winner" ;;
      412) p=$((p + 1)) ;;
      *) o=$((o + 1)); echo "#   racer-$i got HTTP $(cat "$TMP/race.$i")" >&2 ;;
    esac
  done
  echo "$w $p $o"
}

for round in 1 2 3; do
  RK="/$BUCKET/$PREFIX/race-$round"
  read -r w p o < <(race "$RK" 'If-None-Match: *' create)
  check "race $round: $RACERS x PUT If-None-Match:* -> exactly one 200" 1 "$w"
  check "race $round:   ... others 412" $((RACERS - 1)) "$p"
  s3 GET "$RK"
  check "race $round:   ... stored body is the winner's" "$(cat "$TMP/winner")" "$(cat "$TMP/body")"

  s3 HEAD "$RK" -I
  read -r w p o < <(race "$RK" "If-Match: $(unquote "$ETAG")" update)
  check "race $round: $RACERS x PUT If-Match:<current> -> exactly one 200" 1 "$w"
  # losers get 412, or (RGW quirk) 500 UnknownError when they lose inside RADOS (ECANCELED)
  check "race $round:   ... all others 412 or 500" $((RACERS - 1)) $((p + o))
  s3 GET "$RK"
  check "race $round:   ... stored body is the winner's" "$(cat "$TMP/winner")" "$(cat "$TMP/body")"
done

# ---- clean up (DELETE ignores If-Match on RGW, so plain deletes)
s3 GET "/$BUCKET?list-type=2&prefix=$(urlenc "$PREFIX/")"
for key in $(grep -o '<Key>[^<]*' "$TMP/body" | cut -c6-); do s3 DELETE "/$BUCKET/$key"; done
s3 GET "/$BUCKET?list-type=2&prefix=$(urlenc "$PREFIX/")"
check "cleanup: no keys left under $PREFIX/" 0 "$(grep -o '<KeyCount>[^<]*' "$TMP/body" | cut -c11-)"

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]

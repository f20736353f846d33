#!/usr/bin/env bash
# Jibri finalize step: uploads the newest .mp4 of a recording folder, then reports it to the app's signed webhook.
#
# Jibri runs it as `finalize-recording.sh <recording directory>`; the directory's base name is the
# Jibri sessionId the app chose. Needs bash, curl, openssl and coreutils only. See jibri/README.md.
#
# Exit status: 0 uploaded and the app accepted it; 1 the upload failed and the app was told
# (recording_failed accepted); 2 the app could not be told (4xx, or retries exhausted);
# 64 usage or configuration error.

set -uo pipefail

if [[ -n "${FINALIZE_ENV_FILE:-}" || -f /etc/jitsi/jibri/finalize-recording.env ]]; then
  # Jibri's Java process rarely carries custom variables, so the settings may live in a file instead.
  # set -a exports what the file sets, so the upload command (a child process) sees its credentials too.
  set -a
  # shellcheck disable=SC1090
  source "${FINALIZE_ENV_FILE:-/etc/jitsi/jibri/finalize-recording.env}" || { echo "cannot read ${FINALIZE_ENV_FILE:-/etc/jitsi/jibri/finalize-recording.env}" >&2; exit 64; }
  set +a
fi

# No command this script starts (curl, openssl, the upload command) needs the secret: it stays a shell variable,
# out of their environment.
export -n JITSI_RECORDING_WEBHOOK_SECRET

MAX_ATTEMPTS="${MAX_ATTEMPTS:-6}"
UPLOAD_ATTEMPTS="${UPLOAD_ATTEMPTS:-3}"
BACKOFF_INITIAL_MS="${BACKOFF_INITIAL_MS:-2000}"
BACKOFF_MAX_MS="${BACKOFF_MAX_MS:-60000}"
REQUEST_TIMEOUT_SECONDS="${REQUEST_TIMEOUT_SECONDS:-30}"
UPLOAD_TIMEOUT_SECONDS="${UPLOAD_TIMEOUT_SECONDS:-3600}"
RECORDING_KEY_PREFIX="${RECORDING_KEY_PREFIX:-}"
# Single-quoted on purpose: the variables expand when the upload runs, not here.
DEFAULT_UPLOAD_COMMAND='aws s3 cp --only-show-errors "$RECORDING_FILE" "s3://$RECORDING_BUCKET/$RECORDING_KEY"'
UPLOAD_COMMAND="${UPLOAD_COMMAND:-$DEFAULT_UPLOAD_COMMAND}"

RECORDING_DIR="${1:-}"
SESSION_ID="$(basename -- "${RECORDING_DIR:-unknown}")"

log() {
  printf '%s finalize-recording[%s]: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$SESSION_ID" "$*" >&2
}

die_config() {
  log "configuration error: $*"
  exit 64
}

is_positive_int() { [[ "$1" =~ ^[1-9][0-9]*$ ]]; }
is_nonnegative_int() { [[ "$1" =~ ^[0-9]+$ ]]; }

[[ -n "$RECORDING_DIR" ]] || die_config "usage: $0 <recording directory>"
[[ "$SESSION_ID" =~ ^[A-Za-z0-9]{1,64}$ ]] ||
  die_config "the directory name '$SESSION_ID' is not a Jibri sessionId (1 to 64 letters and digits), so the app cannot be told"
[[ -n "${APP_WEBHOOK_URL:-}" ]] || die_config "APP_WEBHOOK_URL is not set (the app's \${APP_URL}/api/webhooks/jitsi-recording)"
[[ "$APP_WEBHOOK_URL" =~ ^https?:// ]] || die_config "APP_WEBHOOK_URL must start with http:// or https://"
# The first secret is the current one during a rotation; the app accepts any of its list.
SECRET="${JITSI_RECORDING_WEBHOOK_SECRET:-}"
SECRET="${SECRET%%,*}"
SECRET="${SECRET#"${SECRET%%[![:space:]]*}"}"
SECRET="${SECRET%"${SECRET##*[![:space:]]}"}"
[[ -n "$SECRET" ]] || die_config "JITSI_RECORDING_WEBHOOK_SECRET is not set (the same value as on the app's web service)"
[[ -n "${RECORDING_PUBLIC_BASE_URL:-}" ]] || die_config "RECORDING_PUBLIC_BASE_URL is not set (public URL prefix of uploaded files)"
[[ "$RECORDING_PUBLIC_BASE_URL" =~ ^https?:// ]] || die_config "RECORDING_PUBLIC_BASE_URL must start with http:// or https://"
is_positive_int "$MAX_ATTEMPTS" || die_config "MAX_ATTEMPTS must be a positive whole number"
is_positive_int "$UPLOAD_ATTEMPTS" || die_config "UPLOAD_ATTEMPTS must be a positive whole number"
is_nonnegative_int "$BACKOFF_INITIAL_MS" || die_config "BACKOFF_INITIAL_MS must be a whole number of milliseconds"
is_nonnegative_int "$BACKOFF_MAX_MS" || die_config "BACKOFF_MAX_MS must be a whole number of milliseconds"
is_positive_int "$REQUEST_TIMEOUT_SECONDS" || die_config "REQUEST_TIMEOUT_SECONDS must be a positive whole number"
is_positive_int "$UPLOAD_TIMEOUT_SECONDS" || die_config "UPLOAD_TIMEOUT_SECONDS must be a positive whole number"
if [[ "$UPLOAD_COMMAND" == "$DEFAULT_UPLOAD_COMMAND" && -z "${RECORDING_BUCKET:-}" ]]; then
  die_config "RECORDING_BUCKET is not set (needed by the default aws s3 cp upload; or set UPLOAD_COMMAND)"
fi

WORK_DIR="$(mktemp -d)" || die_config "cannot create a temporary directory"
trap 'rm -rf -- "$WORK_DIR"' EXIT

sleep_ms() {
  local ms=$1
  sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
}

# Doubling, capped: attempt 1 waits nothing, attempt n waits BACKOFF_INITIAL_MS * 2^(n-2).
backoff_ms() {
  local attempt=$1 ms=$BACKOFF_INITIAL_MS i
  for ((i = 2; i < attempt; i++)); do
    ms=$((ms * 2))
    ((ms > BACKOFF_MAX_MS)) && break
  done
  ((ms > BACKOFF_MAX_MS)) && ms=$BACKOFF_MAX_MS
  echo "$ms"
}

# A JSON string literal. Only printable ASCII, tab and newlines survive, so any bytes an upload tool
# prints still make valid JSON (a 400 from the app would never be retried).
json_string() {
  local s
  s="$(printf '%s' "$1" | LC_ALL=C tr -cd '\11\12\15\40-\176')"
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  printf '"%s"' "$s"
}

# HMAC-SHA256 (RFC 2104) of a file, in hex, built from plain SHA-256. `openssl dgst -hmac "$SECRET"` would put the
# secret on a command line that any user of the machine can read with `ps`; here the key only ever passes through
# bash builtins (printf -v, arithmetic) and the stdin of od and openssl.
hmac_sha256_file() {
  local file=$1 key_hex digest i byte escape ipad="" opad="" inner=""
  key_hex="$(printf '%s' "$SECRET" | od -An -v -tx1 | tr -d ' \n')" || return 1
  # A key longer than SHA-256's 64-byte block is replaced by its digest.
  if ((${#key_hex} > 128)); then
    digest="$(printf '%s' "$SECRET" | openssl dgst -sha256 -r)" || return 1
    key_hex="${digest%% *}"
  fi
  while ((${#key_hex} < 128)); do key_hex+="00"; done
  for ((i = 0; i < 128; i += 2)); do
    byte=$((16#${key_hex:i:2}))
    printf -v escape '\\x%02x' $((byte ^ 0x36))
    ipad+=$escape
    printf -v escape '\\x%02x' $((byte ^ 0x5c))
    opad+=$escape
  done
  digest="$({ printf "$ipad"; cat -- "$file"; } | openssl dgst -sha256 -r)" || return 1
  digest="${digest%% *}"
  [[ "$digest" =~ ^[0-9a-f]{64}$ ]] || return 1
  for ((i = 0; i < 64; i += 2)); do inner+="\\x${digest:i:2}"; done
  digest="$({ printf "$opad"; printf "$inner"; } | openssl dgst -sha256 -r)" || return 1
  digest="${digest%% *}"
  [[ "$digest" =~ ^[0-9a-f]{64}$ ]] || return 1
  printf '%s\n' "$digest"
}

# One id for every retry of this delivery, so a retry after a lost answer is seen as a repeat.
EVENT_ID="finalize-$(openssl rand -hex 16)" || die_config "openssl rand failed"

# Builds the body for this attempt (a fresh timestamp each time: a delivery retried for a long
# time must still fall inside the app's 10-minute window), signs the exact bytes, and POSTs them.
# Prints the HTTP status, or 000 on a network error.
post_once() {
  local fields=$1 body_file="$WORK_DIR/body.json" sig status
  printf '{%s,"eventId":%s,"timestamp":%s}' "$fields" "$(json_string "$EVENT_ID")" "$(date +%s)" >"$body_file"
  sig="$(hmac_sha256_file "$body_file")" || { echo 000; return; }
  # --data-binary sends the file byte for byte, exactly what was signed.
  status="$(curl -sS -o "$WORK_DIR/response" -w '%{http_code}' \
    --connect-timeout 10 --max-time "$REQUEST_TIMEOUT_SECONDS" \
    -X POST -H 'Content-Type: application/json' -H "X-Jibri-Signature: sha256=$sig" \
    --data-binary @"$body_file" "$APP_WEBHOOK_URL" 2>"$WORK_DIR/curl.err")"
  [[ "$status" =~ ^[0-9]{3}$ ]] || status=000
  echo "$status"
}

# Delivers one event: retries network errors and 5xx with backoff, never 4xx. Returns 0 on 2xx.
deliver() {
  local event=$1 fields=$2 attempt status delay answer
  for ((attempt = 1; attempt <= MAX_ATTEMPTS; attempt++)); do
    if ((attempt > 1)); then
      delay="$(backoff_ms "$attempt")"
      log "waiting ${delay} ms before attempt $attempt"
      sleep_ms "$delay"
    fi
    : >"$WORK_DIR/response"
    : >"$WORK_DIR/curl.err"
    status="$(post_once "$fields")"
    answer="$(LC_ALL=C tr -cd '\40-\176' <"$WORK_DIR/response" | head -c 300)"
    if [[ "$status" == 000 ]]; then
      log "attempt $attempt/$MAX_ATTEMPTS: POST $event to $APP_WEBHOOK_URL: network error: $(tr -d '\r\n' <"$WORK_DIR/curl.err" | head -c 300)"
      continue
    fi
    log "attempt $attempt/$MAX_ATTEMPTS: POST $event to $APP_WEBHOOK_URL: HTTP $status $answer"
    case "$status" in
      2??) return 0 ;;
      5??) continue ;;
      401) log "refused: the signature does not match (JITSI_RECORDING_WEBHOOK_SECRET differs from the app's, or this machine's clock is off by more than 10 minutes); not retrying"; return 1 ;;
      *) log "refused with $status; not retrying"; return 1 ;;
    esac
  done
  log "giving up on $event after $MAX_ATTEMPTS attempts"
  return 1
}

report_failure() {
  local reason=$1
  log "reporting recording_failed: $reason"
  if deliver recording_failed "\"event\":\"recording_failed\",\"sessionId\":\"$SESSION_ID\",\"error\":$(json_string "$reason")"; then
    exit 1
  fi
  exit 2
}

log "finalizing $RECORDING_DIR"

RECORDING_FILE=""
if [[ -d "$RECORDING_DIR" ]]; then
  for candidate in "$RECORDING_DIR"/*.mp4; do
    [[ -f "$candidate" ]] || continue
    if [[ -z "$RECORDING_FILE" || "$candidate" -nt "$RECORDING_FILE" ]]; then RECORDING_FILE="$candidate"; fi
  done
fi
[[ -n "$RECORDING_FILE" ]] || report_failure "no .mp4 file in the recording directory $RECORDING_DIR"

SIZE_BYTES="$(wc -c <"$RECORDING_FILE" | tr -d '[:space:]')"
# The session id names the object: it is unique per recording and safe in a URL unencoded.
RECORDING_KEY="${RECORDING_KEY_PREFIX}${SESSION_ID}.mp4"
RECORDING_URL="${RECORDING_PUBLIC_BASE_URL%/}/${RECORDING_KEY}"
export RECORDING_FILE RECORDING_KEY RECORDING_BUCKET="${RECORDING_BUCKET:-}" RECORDING_SESSION_ID="$SESSION_ID"

DURATION_SECONDS=""
if command -v ffprobe >/dev/null 2>&1; then
  # Optional: only when ffprobe happens to be installed; the app does not need it.
  DURATION_SECONDS="$(ffprobe -v error -show_entries format=duration -of default=noprint_wrappers=1:nokey=1 "$RECORDING_FILE" 2>/dev/null)"
  DURATION_SECONDS="${DURATION_SECONDS%%.*}"
  is_nonnegative_int "$DURATION_SECONDS" || DURATION_SECONDS=""
fi

run_upload() {
  if command -v timeout >/dev/null 2>&1; then
    timeout "$UPLOAD_TIMEOUT_SECONDS" bash -c "$UPLOAD_COMMAND"
  else
    bash -c "$UPLOAD_COMMAND"
  fi
}

uploaded=0
for ((attempt = 1; attempt <= UPLOAD_ATTEMPTS; attempt++)); do
  if ((attempt > 1)); then
    delay="$(backoff_ms "$attempt")"
    log "waiting ${delay} ms before upload attempt $attempt"
    sleep_ms "$delay"
  fi
  log "upload attempt $attempt/$UPLOAD_ATTEMPTS: $RECORDING_FILE ($SIZE_BYTES bytes) as $RECORDING_KEY"
  run_upload </dev/null >"$WORK_DIR/upload.log" 2>&1
  upload_status=$?
  # The tool's own words are what an operator needs; the tail is enough and keeps the log short.
  upload_output="$(tail -c 1000 "$WORK_DIR/upload.log")"
  if ((upload_status == 0)); then
    uploaded=1
    log "upload attempt $attempt/$UPLOAD_ATTEMPTS: done"
    break
  fi
  log "upload attempt $attempt/$UPLOAD_ATTEMPTS: failed with exit status $upload_status: $(printf '%s' "$upload_output" | tr '\r\n' '  ')"
done

if ((uploaded == 0)); then
  report_failure "upload of $(basename -- "$RECORDING_FILE") failed after $UPLOAD_ATTEMPTS attempt(s) (exit status $upload_status): $(printf '%s' "$upload_output" | tail -c 500)"
fi

fields="\"event\":\"recording_uploaded\",\"sessionId\":\"$SESSION_ID\",\"recordingUrl\":$(json_string "$RECORDING_URL"),\"sizeBytes\":$SIZE_BYTES"
[[ -n "$DURATION_SECONDS" ]] && fields+=",\"durationSeconds\":$DURATION_SECONDS"
if deliver recording_uploaded "$fields"; then
  log "done: $RECORDING_URL"
  exit 0
fi
log "the file is uploaded at $RECORDING_URL but the app was not told; rerun this script or send the callback with npm run webhook:sign"
exit 2

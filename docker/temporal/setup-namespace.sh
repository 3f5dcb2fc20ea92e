#!/bin/sh
# The namespace the app uses and the search attributes its workflows set,
# created on the Temporal server if missing. Safe to run again.
# Runs in the temporalio/admin-tools image (docker-compose.yml, job temporal-namespace),
# which has the temporal CLI; `npm run dev` does the same in src/local/temporal-namespace.ts.
#   TEMPORAL_ADDRESS   host:port of the frontend
#   NAMESPACE          default: default
#   RETENTION          how long closed workflows are kept, default 7d
#   SEARCH_ATTRIBUTES  space-separated Name:Type pairs (Keyword, Text, Int, …)
set -eu

: "${TEMPORAL_ADDRESS:?set TEMPORAL_ADDRESS}"
NAMESPACE="${NAMESPACE:-default}"
RETENTION="${RETENTION:-7d}"

# retry TRIES SECONDS MESSAGE COMMAND…: runs COMMAND until it succeeds, at most TRIES times SECONDS apart;
# then fails with MESSAGE (the job's restart policy decides what next).
retry() {
  tries="$1" pause="$2" message="$3"
  shift 3
  until "$@" >/dev/null 2>&1; do
    tries=$((tries - 1))
    if [ "$tries" -le 0 ]; then
      echo "$message" >&2
      exit 1
    fi
    sleep "$pause"
  done
}

# The frontend may be listening before the server serves.
retry 30 2 "The Temporal server at $TEMPORAL_ADDRESS is not serving" \
  temporal operator cluster health --address "$TEMPORAL_ADDRESS"

if ! temporal operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; then
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" --retention "$RETENTION"
  echo "Namespace $NAMESPACE created"
fi
# A new namespace reaches every part of the server within seconds.
retry 30 1 "Namespace $NAMESPACE is not usable on $TEMPORAL_ADDRESS" \
  temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE"

for attribute in ${SEARCH_ATTRIBUTES:-}; do
  name="${attribute%%:*}"
  type="${attribute##*:}"
  if temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" | grep -qw "$name"; then
    continue
  fi
  temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" --name "$name" --type "$type"
  echo "Search attribute $name ($type) created"
done

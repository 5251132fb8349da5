#!/usr/bin/env bash
# Makes sure the system tools the tests use are present: Debian's Chromium (browser tests),
# coturn (the TURN relay test), redis-server and nginx (the tests of several nodes behind a
# balancer), openssl (the TLS test), an emoji font and a CJK font (screenshots). Installs what is missing when run as root (CI, fresh machines);
# otherwise says what to run.
set -euo pipefail
missing=()
[ -x "${CHROME_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v turnserver >/dev/null || missing+=(coturn)
command -v openssl >/dev/null || missing+=(openssl)
command -v redis-server >/dev/null || missing+=(redis-server)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing+=(nginx)
# Reactions are emoji: without this font, test screenshots show empty boxes.
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)
# The Chinese (and Japanese) UI's screenshots: without a CJK font they show empty boxes.
[ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || missing+=(fonts-wqy-zenhei)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} from Debian's packages…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts coturn, Redis and nginx as services on install; the tests run their own.
  if command -v systemctl >/dev/null; then systemctl disable --now coturn redis-server nginx >/dev/null 2>&1 || true; fi
else
  echo "The tests need: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

#!/bin/sh
# The path without Electron, by hand or from a desktop session: the kiosk runtime plus Chromium in
# kiosk mode on its local screen. On a dedicated box use the systemd units instead
# (waitwell-kiosk-runtime.service, waitwell-kiosk-browser.service; docs/kiosk.md).
#   deploy/chromium-kiosk.sh /etc/waitwell/kiosk.json 7420
# The port given here overrides the config's "localPort". Keyboard-mode keypads work through the
# screen (it forwards their keys); the window is locked by Chromium's --kiosk, less tightly than
# by the Electron shell (reload keys not blocked).
set -eu
CONFIG="${1:?kiosk config file}"
PORT="${2:-7420}"
npx waitwell kiosk --config "$CONFIG" --port "$PORT" &
RUNTIME=$!
trap 'kill $RUNTIME' EXIT INT TERM
until curl -sf "http://127.0.0.1:$PORT/local/status" >/dev/null; do sleep 1; done
chromium --kiosk --app="http://127.0.0.1:$PORT/" --noerrdialogs --disable-infobars --no-first-run \
  --disable-translate --disable-features=TranslateUI --disable-pinch --overscroll-history-navigation=0 \
  --autoplay-policy=no-user-gesture-required --password-store=basic \
  --user-data-dir="$HOME/.config/waitwell/chromium"

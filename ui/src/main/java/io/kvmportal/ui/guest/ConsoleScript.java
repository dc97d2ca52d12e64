package io.kvmportal.ui.guest;

/**
 * The browser side of {@link GuestConsole}: loads noVNC's RFB module from /novnc/ (no frontend build), opens the
 * WebSocket itself and hands it to noVNC, and writes the status line from what happens, including the close code
 * and reason the portal sends (4001 guest stopped, 4002 ended by an admin, 4003 account disabled, 44xx refusals).
 * It installs {@code kvmpConsole} on the component's element for the toolbar's calls.
 */
final class ConsoleScript {
    /**
     * $0 the WebSocket path, $1 view only, $2 scale to fit, $3 the one-time ticket as the subprotocol that
     * carries it (ConsoleUpgrade.ticket), so that it is in no URL.
     */
    static final String OPEN = """
            const host = this;
            const screen = host.querySelector('#console-screen');
            const status = host.querySelector('#console-status');
            const say = (text, state) => { status.textContent = text; status.dataset.state = state; };
            if (host.kvmpConsole) { host.kvmpConsole.close(true); }
            say('Connecting…', 'connecting');
            const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + $0;
            return import('/novnc/core/rfb.js').then(({default: RFB}) => {
              const socket = new WebSocket(url, ['binary', $3]);
              let connected = false;
              let quiet = false;
              socket.addEventListener('close', event => {
                if (quiet) { return; }
                const known = {
                  1000: connected ? 'Disconnected.' : "The guest's screen closed the connection.",
                  1001: 'The portal is restarting; reconnect in a moment.',
                  1006: 'The connection to the portal was lost.',
                  4001: 'The guest stopped.',
                  4002: 'An administrator ended this console.',
                  4003: 'Your account was disabled or removed; the console was closed.'
                };
                // Refusals (44xx, 45xx) carry the portal's own words as the reason.
                say(known[event.code] || event.reason || 'Disconnected (code ' + event.code + ').',
                    event.code === 4001 ? 'stopped' : 'closed');
                host.$server.closed(event.code, event.reason || '');
              });
              const rfb = new RFB(screen, socket, {shared: true});
              rfb.viewOnly = $1;
              rfb.scaleViewport = $2;
              rfb.focusOnClick = !$1;
              rfb.background = '#000';
              rfb.addEventListener('connect', () => {
                connected = true;
                say($1 ? 'Connected, view only.' : 'Connected. Click the screen to type into it.', 'connected');
                if (!$1) { rfb.focus(); }
              });
              // Scale again whenever the screen's box changes (layout settling, full screen, a narrower window):
              // a scale computed while the box was still empty would leave the canvas at zero size.
              new ResizeObserver(() => { if (rfb.scaleViewport) { rfb.scaleViewport = true; } }).observe(screen);
              rfb.addEventListener('desktopname', event => { host.dataset.desktop = event.detail.name; });
              rfb.addEventListener('clipboard', event => { host.dataset.guestClipboard = event.detail.text; });
              host.kvmpConsole = {
                rfb,
                close(silently) { quiet = !!silently; if (!silently) { say('Closed.', 'closed'); } rfb.disconnect(); },
                ctrlAltDel() { rfb.sendCtrlAltDel(); rfb.focus(); },
                combo(list) {
                  const keysyms = list.split(',').map(Number);
                  keysyms.forEach(k => rfb.sendKey(k, null, true));
                  keysyms.slice().reverse().forEach(k => rfb.sendKey(k, null, false));
                  rfb.focus();
                },
                paste(text) { rfb.clipboardPasteFrom(text); rfb.focus(); },
                scale(on) { rfb.scaleViewport = on; },
                fullScreen() { (screen.requestFullscreen ? screen.requestFullscreen() : Promise.resolve()).then(() => rfb.focus()); }
              };
            }).catch(error => say('Cannot load the console: ' + error, 'error'));
            """;

    private ConsoleScript() {
    }
}

package io.kvmportal.console;

import java.nio.channels.SocketChannel;

/** A console that passed every check: its registry entry and the connected screen for the web shell to relay. */
public record OpenConsole(LiveConsole console, SocketChannel screen) {
}

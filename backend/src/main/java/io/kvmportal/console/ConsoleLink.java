package io.kvmportal.console;

/**
 * The web shell's side of a live console (its WebSocket and the relay): the portal ends it through this when the
 * guest stops, the user is disabled, or an admin ends it. Ending closes both sides and must not block.
 */
@FunctionalInterface
public interface ConsoleLink {
    void end(ConsoleEnd why, String words);
}

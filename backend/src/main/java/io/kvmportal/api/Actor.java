package io.kvmportal.api;

/**
 * Who is asking: the signed-in, enabled account behind a request. Every service method that reads or changes
 * something on someone's behalf takes one and decides from it whether they may.
 */
public record Actor(long id, String login, boolean admin) {
}

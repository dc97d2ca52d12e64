package io.kvmportal.web;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Who may call each endpoint of the REST API: one row per route, spelled as Micronaut's router spells it
 * ({@code METHOD /template}). {@link ApiAuthorizationContract} fails for a route without a row, naming it, and
 * then tries every row as anonymous, as a plain user, as another user and as an admin.
 *
 * <p>A row's samples are real requests. The one who may make them must get the sample's status (proof that the
 * request passed authorization and reached the service); everyone else gets the refusal that {@link Who} names.
 */
final class ApiAccessRules {
    private static final String LIMITS = "{\"guests\":20,\"runningGuests\":2,\"vcpus\":4,\"memoryMib\":4096,"
            + "\"diskGib\":50}";
    private static final String DEFAULT_LIMITS = "{\"guests\":5,\"runningGuests\":2,\"vcpus\":4,\"memoryMib\":4096,"
            + "\"diskGib\":50}";

    enum Who {
        /** Anyone, without credentials. */
        ANYONE,
        /** Any signed-in account; no credentials: 401. */
        SIGNED_IN,
        /** Admins only; no credentials: 401, any other account: 403. */
        ADMIN,
        /** The owner of the guest in the path; no credentials: 401, anyone else, admins too: 404, as for no guest. */
        GUEST_OWNER
    }

    /** One request: the path (filled in), its body or null, and what the one who may make it gets. */
    record Sample(String path, String contentType, String body, int allowedStatus) {
        Sample(String path, String json, int allowedStatus) {
            this(path, "application/json", json, allowedStatus);
        }
    }

    /** What rows can point their samples at; each call may make something new, as destructive samples need. */
    interface Stage {
        /** The plain user who owns guests ("uma"). */
        long user();

        /** A fresh account that the sample may delete or change. */
        long newUser();

        /** A fresh published image that the sample may withdraw. */
        long newImage();

        /** The guest the sample acts on (GUEST_OWNER rows): the owner's, someone else's, or none at all. */
        long guest();

        /** A fresh view-only console link to the owner's guest (the one GUEST_OWNER samples act on as the owner). */
        long newConsoleLink();

        /** A login name nobody has yet. */
        String newLogin();

        /** Sign-in credentials as JSON. */
        String credentials();
    }

    record Rule(String route, Who who, Function<Stage, List<Sample>> samples) {
        String method() {
            return route.substring(0, route.indexOf(' '));
        }
    }

    static final List<Rule> RULES = List.of(
            rule("POST /api/v1/auth/token", Who.ANYONE, s -> one("/api/v1/auth/token", s.credentials(), 201)),
            // Revoking spends the caller's token: the test gives this call a token of its own.
            rule("DELETE /api/v1/auth/token", Who.SIGNED_IN, s -> one("/api/v1/auth/token", null, 204)),
            rule("GET /api/v1/health", Who.ANYONE, s -> one("/api/v1/health", null, 200)),
            rule("GET /api/v1/openapi.yml", Who.ANYONE, s -> one("/api/v1/openapi.yml", null, 200)),
            rule("GET /api/v1/me", Who.SIGNED_IN, s -> one("/api/v1/me", null, 200)),
            rule("GET /api/v1/images", Who.SIGNED_IN, s -> one("/api/v1/images", null, 200)),
            rule("GET /api/v1/quota", Who.SIGNED_IN, s -> one("/api/v1/quota", null, 200)),
            rule("GET /api/v1/audit", Who.SIGNED_IN, s -> one("/api/v1/audit?limit=5", null, 200)),

            rule("GET /api/v1/admin/users", Who.ADMIN, s -> one("/api/v1/admin/users", null, 200)),
            rule("POST /api/v1/admin/users", Who.ADMIN, s -> one("/api/v1/admin/users", "{\"login\":\""
                    + s.newLogin() + "\",\"password\":\"new-user-password\"}", 201)),
            rule("PATCH /api/v1/admin/users/{id}", Who.ADMIN, s -> one("/api/v1/admin/users/" + s.user(),
                    "{\"enabled\":true}", 200)),
            rule("PUT /api/v1/admin/users/{id}/password", Who.ADMIN, s -> one("/api/v1/admin/users/" + s.newUser()
                    + "/password", "{\"password\":\"reset-password-1\"}", 204)),
            rule("DELETE /api/v1/admin/users/{id}", Who.ADMIN, s -> List.of(
                    new Sample("/api/v1/admin/users/" + s.newUser(), null, 200),
                    new Sample("/api/v1/admin/users/" + s.newUser() + "?withGuests=true", null, 200))),
            rule("GET /api/v1/admin/users/{id}/quota", Who.ADMIN, s -> one("/api/v1/admin/users/" + s.user()
                    + "/quota", null, 200)),
            rule("PUT /api/v1/admin/users/{id}/quota", Who.ADMIN, s -> one("/api/v1/admin/users/" + s.user()
                    + "/quota", LIMITS, 200)),
            rule("PATCH /api/v1/admin/users/{id}/quota", Who.ADMIN, s -> one("/api/v1/admin/users/" + s.user()
                    + "/quota", "{\"guests\":20}", 200)),
            rule("DELETE /api/v1/admin/users/{id}/quota", Who.ADMIN, s -> one("/api/v1/admin/users/" + s.newUser()
                    + "/quota", null, 200)),
            rule("GET /api/v1/admin/quota-defaults", Who.ADMIN, s -> one("/api/v1/admin/quota-defaults", null, 200)),
            rule("PUT /api/v1/admin/quota-defaults", Who.ADMIN, s -> one("/api/v1/admin/quota-defaults",
                    DEFAULT_LIMITS, 200)),
            rule("GET /api/v1/admin/host", Who.ADMIN, s -> one("/api/v1/admin/host", null, 200)),
            rule("GET /api/v1/admin/consoles", Who.ADMIN, s -> one("/api/v1/admin/consoles", null, 200)),
            // No QEMU here, so no console is open: the admin gets through to "no such console".
            rule("DELETE /api/v1/admin/consoles/{id}", Who.ADMIN, s -> one("/api/v1/admin/consoles/4242", null,
                    404)),
            rule("GET /api/v1/admin/host/processes", Who.ADMIN, s -> one("/api/v1/admin/host/processes", null, 200)),
            rule("DELETE /api/v1/admin/images/{id}", Who.ADMIN, s -> one("/api/v1/admin/images/" + s.newImage(),
                    null, 204)),
            // Publishing: what is refused about the image comes after the caller is known to be an admin.
            rule("POST /api/v1/admin/images", Who.ADMIN, s -> one("/api/v1/admin/images", "{\"path\":"
                    + "\"relative.qcow2\",\"name\":\"" + s.newLogin() + "\",\"os\":\"Linux\",\"format\":\"qcow2\","
                    + "\"minMemoryMib\":64,\"minDiskGib\":1}", 400)),
            rule("PUT /api/v1/admin/images/upload", Who.ADMIN, s -> List.of(new Sample("/api/v1/admin/images/upload"
                    + "?name=" + s.newLogin() + "&os=Linux&format=raw&minMemoryMib=64&minDiskGib=1",
                    "application/octet-stream", "not a disk image", 400))),

            rule("GET /api/v1/guests", Who.SIGNED_IN, s -> one("/api/v1/guests", null, 200)),
            // No base image on this stage: the refusal of a request without one comes after authorization.
            rule("POST /api/v1/guests", Who.SIGNED_IN, s -> one("/api/v1/guests", "{\"name\":\"new-guest\","
                    + "\"vcpus\":1,\"memoryMib\":128,\"diskGib\":1}", 400)),
            // The owner's own samples run on a guest still being created, where every action is refused (409):
            // they prove the owner gets through without starting QEMU or deleting anything.
            rule("GET /api/v1/guests/{id}", Who.GUEST_OWNER, s -> one("/api/v1/guests/" + s.guest(), null, 200)),
            rule("PATCH /api/v1/guests/{id}", Who.GUEST_OWNER, s -> one("/api/v1/guests/" + s.guest(),
                    "{\"name\":\"owned\"}", 200)),
            rule("DELETE /api/v1/guests/{id}", Who.GUEST_OWNER, s -> one("/api/v1/guests/" + s.guest(), null, 409)),
            rule("POST /api/v1/guests/{id}/actions/{action}", Who.GUEST_OWNER, s -> Stream.of("start", "shutdown",
                    "force-off", "pause", "resume", "reboot").map(action -> new Sample("/api/v1/guests/" + s.guest()
                    + "/actions/" + action, null, 409)).toList()),
            rule("GET /api/v1/guests/{id}/screenshot", Who.GUEST_OWNER, s -> one("/api/v1/guests/" + s.guest()
                    + "/screenshot", null, 409)),
            // A console needs a running guest (409); links can be made, listed and revoked in any state.
            rule("POST /api/v1/guests/{id}/console", Who.GUEST_OWNER, s -> one("/api/v1/guests/" + s.guest()
                    + "/console", null, 409)),
            rule("POST /api/v1/guests/{id}/console/links", Who.GUEST_OWNER, s -> one("/api/v1/guests/" + s.guest()
                    + "/console/links", "{\"minutes\":5}", 201)),
            rule("GET /api/v1/guests/{id}/console/links", Who.GUEST_OWNER, s -> one("/api/v1/guests/" + s.guest()
                    + "/console/links", null, 200)),
            rule("DELETE /api/v1/guests/{id}/console/links/{linkId}", Who.GUEST_OWNER, s -> one("/api/v1/guests/"
                    + s.guest() + "/console/links/" + s.newConsoleLink(), null, 204)),
            // A guest that never ran has no serial output yet: an empty answer.
            rule("GET /api/v1/guests/{id}/serial", Who.GUEST_OWNER, s -> one("/api/v1/guests/" + s.guest()
                    + "/serial?from=0", null, 200)));

    private ApiAccessRules() {
    }

    private static Rule rule(String route, Who who, Function<Stage, List<Sample>> samples) {
        return new Rule(route, who, samples);
    }

    private static List<Sample> one(String path, String body, int allowedStatus) {
        return List.of(new Sample(path, body, allowedStatus));
    }
}

package io.kvmportal.e2e;

import java.util.List;

/**
 * Who may open each view of the portal: one row per route path, as the view's {@code @Route} (or
 * {@code @RouteAlias}) names it. {@link ViewAccessJourneyTest} fails for a route without a row, naming it, and
 * opens every row in Chromium as an anonymous visitor, a plain user and an admin.
 */
final class ViewAccessRules {

    enum Who {
        /** The sign-in view: anonymous visitors see it, signed-in ones are sent on to the overview. */
        SIGNED_OUT,
        /** Any signed-in account; anonymous visitors get the sign-in view instead. */
        SIGNED_IN,
        /** Admins only; to anyone else the view does not exist (the portal's not-found page). */
        ADMIN,
        /** The owner of the guest in the path; to anyone else, admins too, the guest does not exist. */
        GUEST_OWNER
    }

    /**
     * A view's path and who may see it. A route that takes URL parameters also needs {@code visit}, the
     * concrete path to open, where {@value #GUEST} stands for the id of the plain user's guest; otherwise
     * {@code visit} is the path itself.
     */
    record Rule(String path, Who who, String visit) {
        Rule(String path, Who who) {
            this(path, who, path);
        }
    }

    static final String GUEST = "{guest}";

    static final List<Rule> RULES = List.of(
            new Rule("/login", Who.SIGNED_OUT),
            new Rule("/", Who.SIGNED_IN),
            new Rule("/guests", Who.SIGNED_IN),
            new Rule("/guests/:guestId([0-9]{1,18})", Who.GUEST_OWNER, "/guests/" + GUEST),
            // Anyone signed in may follow a view-only link; a wrong one is refused on the page itself.
            new Rule("/shared-console/:token([A-Za-z0-9_-]{1,100})", Who.SIGNED_IN, "/shared-console/no-such-link"),
            new Rule("/account", Who.SIGNED_IN),
            new Rule("/audit", Who.SIGNED_IN),
            new Rule("/admin/users", Who.ADMIN),
            new Rule("/admin/images", Who.ADMIN),
            new Rule("/admin/host", Who.ADMIN));

    private ViewAccessRules() {
    }
}

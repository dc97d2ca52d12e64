package io.kvmportal.e2e;

import io.kvmportal.host.testing.HostLeftovers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The users one portal run made, and their removal. For each of them the portal made a Linux account
 * {@code kvmp-<login>} with a /dev/kvm entry, and its guests run as QEMU processes of that account that outlive
 * the portal on purpose. So at the end of a journey, pass or fail, the users are first deleted through the portal
 * as its admin, with their guests: the real removal path, which forces the guests off and takes the account and
 * its entry away. Then, once the portal has stopped, whatever is still on the host of those users is killed and
 * removed as a last resort, and named, since a removal the portal answered with success should have left nothing.
 *
 * <p>Only users named {@code kvmptest-*} are made and removed here: other people's journeys run on the same
 * machine at the same time, with users of their own.
 */
final class TestUsers {
    static final String PREFIX = "kvmptest-";
    private static final Pattern OBJECT = Pattern.compile("\\{[^{}]*}");
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final Pattern LOGIN = Pattern.compile("\"login\":\"(" + PREFIX + "[a-z0-9-]+)\"");
    /** Each login, and whether the portal said it deleted it. */
    private final Map<String, Boolean> logins = new LinkedHashMap<>();

    /** Remembers a login before it is asked for, so a user the portal made halfway is not forgotten. */
    synchronized void made(String login) {
        if (!login.startsWith(PREFIX)) {
            throw new IllegalArgumentException("journeys name their users " + PREFIX + "*, not " + login);
        }
        logins.putIfAbsent(login, false);
    }

    /**
     * Deletes every test user the running portal has, with their guests, as its admin; also those made in its
     * pages, which {@link #made} never saw. Answers what went wrong, in words.
     */
    synchronized List<String> deleteThroughPortal(PortalProcess portal) {
        List<String> problems = new ArrayList<>();
        try {
            String admin = portal.token("admin", PortalProcess.ADMIN_PASSWORD);
            Matcher user = OBJECT.matcher(portal.api("GET", "/api/v1/admin/users", admin, null, 200));
            while (user.find()) {
                Matcher login = LOGIN.matcher(user.group());
                Matcher id = ID.matcher(user.group());
                if (login.find() && id.find()) {
                    logins.putIfAbsent(login.group(1), false);
                    delete(portal, admin, login.group(1), id.group(1), problems);
                }
            }
        } catch (Exception e) {
            keepInterrupt(e);
            problems.add("could not list the test users as admin: " + e.getMessage());
        }
        return problems;
    }

    /**
     * After the portal stopped: kills what still runs as a test user's account and removes the account and its
     * /dev/kvm entry. Answers what there was to remove.
     */
    synchronized List<String> removeLeftovers() {
        List<String> problems = new ArrayList<>();
        logins.forEach((login, deleted) -> {
            try {
                HostLeftovers.Removed removed = HostLeftovers.removeAccountOf(login);
                if (!removed.nothing()) {
                    problems.add((deleted ? "the portal deleted " + login + ", yet on the host "
                            : login + " was not deleted through the portal; on the host ") + removed);
                }
            } catch (RuntimeException e) {
                problems.add("could not remove what is left of " + login + ": " + e.getMessage());
            }
        });
        return problems;
    }

    private void delete(PortalProcess portal, String admin, String login, String id, List<String> problems) {
        try {
            portal.api("DELETE", "/api/v1/admin/users/" + id + "?withGuests=true", admin, null, 200);
            logins.put(login, true);
        } catch (Exception e) {
            keepInterrupt(e);
            problems.add("the portal did not delete " + login + " with their guests: " + e.getMessage());
        }
    }

    private static void keepInterrupt(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
    }
}

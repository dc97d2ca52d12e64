package io.kvmportal.ui.guest;

import io.kvmportal.guest.GuestView;
import java.util.Locale;

/** A guest's size and its QEMU process in the few words a list or card has room for. */
final class GuestFigures {

    private GuestFigures() {
    }

    static String size(GuestView view) {
        return view.guest().vcpus() + " vCPU · " + view.guest().memoryMib() + " MiB · " + view.guest().diskGib()
                + " GiB";
    }

    static String process(GuestView view) {
        if (view.pid() == null) {
            return "";
        }
        return String.format(Locale.ROOT, "pid %d · %s · CPU %.0f%% · %d MiB · up %s", view.pid(),
                processState(view), view.cpuPercent(), view.rssBytes() >> 20, uptime(view.uptimeSeconds()));
    }

    static String processState(GuestView view) {
        return view.processState() == null ? "" : view.processState().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** Like top's TIME column: 42s, 12m05s, 3h07m, 2d04h. */
    static String uptime(Long seconds) {
        if (seconds == null) {
            return "";
        }
        long s = seconds;
        if (s < 60) {
            return s + "s";
        } else if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        } else if (s < 86400) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86400, s % 86400 / 3600);
    }
}

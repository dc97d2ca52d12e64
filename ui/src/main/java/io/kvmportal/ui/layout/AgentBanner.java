package io.kvmportal.ui.layout;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.html.Span;
import io.kvmportal.agentlink.AgentLink;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * "Host agent unreachable" in the header of every signed-in page while the portal cannot reach its host agent: shown
 * and hidden as the link changes (server push), without the user asking.
 */
public class AgentBanner extends Span {
    static final String ID = "agent-unreachable";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    AgentBanner(AgentLink link) {
        setId(ID);
        addClassName("agent-banner");
        show(link);
        addAttachListener(attach -> {
            UI ui = attach.getUI();
            show(link);
            Runnable unsubscribe = link.subscribe(reachable -> {
                try {
                    ui.access(() -> show(link));
                } catch (UIDetachedException gone) {
                    // The tab closed meanwhile.
                }
            });
            addDetachListener(detach -> {
                unsubscribe.run();
                detach.unregisterListener();
            });
        });
    }

    private void show(AgentLink link) {
        setVisible(!link.reachable());
        setText(link.lostAt().map(AgentBanner::words).orElse(""));
    }

    /** Short enough for the header: what is wrong, since when, and what it means for the user. */
    static String words(Instant lost) {
        return "Host agent unreachable since " + TIME.format(lost) + ": guest actions wait until it is back";
    }

    /** The time of day an agent was lost, as the banner shows it. */
    public static String since(Instant lost) {
        return TIME.format(lost);
    }
}

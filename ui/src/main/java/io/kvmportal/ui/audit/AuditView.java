package io.kvmportal.ui.audit;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.datetimepicker.DateTimePicker;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.kvmportal.audit.AuditAction;
import io.kvmportal.audit.AuditEvent;
import io.kvmportal.audit.AuditLog;
import io.kvmportal.audit.AuditQuery;
import io.kvmportal.ui.layout.MainLayout;
import io.kvmportal.ui.security.SignedInUser;
import io.micronaut.context.annotation.Prototype;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** The audit log: admins see every entry, users their own; filters by user, target, action and time. */
@Route(value = "audit", layout = MainLayout.class)
@PageTitle("Audit log · kvm-portal")
@Prototype
public class AuditView extends VerticalLayout {
    private static final ZoneId ZONE = ZoneId.systemDefault();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZONE);
    private static final int SHOWN = 500;
    final TextField login = new TextField("User");
    final TextField target = new TextField("Target");
    final Select<AuditAction> action = new Select<>();
    final DateTimePicker from = new DateTimePicker("From");
    final DateTimePicker to = new DateTimePicker("To");
    final Grid<AuditEvent> grid = new Grid<>(AuditEvent.class, false);
    private final AuditLog audit;
    private final SignedInUser signedIn;

    public AuditView(AuditLog audit, SignedInUser signedIn) {
        this.audit = audit;
        this.signedIn = signedIn;
        setSizeFull();
        login.setId("audit-login");
        login.setClearButtonVisible(true);
        target.setClearButtonVisible(true);
        action.setLabel("Action");
        action.setItems(AuditAction.values());
        action.setEmptySelectionAllowed(true);
        action.setEmptySelectionCaption("Any");
        Button apply = new Button("Filter", VaadinIcon.FILTER.create(), click -> refresh());
        apply.setId("audit-filter");
        apply.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        HorizontalLayout filters = new HorizontalLayout(login, target, action, from, to, apply);
        filters.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        filters.setWrap(true);
        configureGrid();
        String scope = signedIn.actor().admin() ? "every entry" : "entries about you and your guests";
        add(new H2("Audit log"), new Span("Newest first; " + scope + ", at most " + SHOWN + "."), filters, grid);
        refresh();
    }

    private void configureGrid() {
        grid.setId("audit");
        grid.addColumn(event -> TIME.format(event.at())).setHeader("When").setAutoWidth(true);
        grid.addColumn(AuditEvent::actorLogin).setHeader("Who").setAutoWidth(true);
        grid.addColumn(AuditEvent::action).setHeader("Action").setAutoWidth(true);
        grid.addColumn(event -> event.targetType() + " " + event.targetName()).setHeader("Target").setAutoWidth(true);
        grid.addComponentColumn(AuditView::result).setHeader("Result").setAutoWidth(true);
        grid.addColumn(event -> event.reason() == null ? "" : event.reason()).setHeader("Reason").setAutoWidth(true)
                .setFlexGrow(1).setTooltipGenerator(AuditEvent::reason);
    }

    private static Component result(AuditEvent event) {
        Span badge = new Span(event.success() ? "done" : "refused");
        badge.getElement().getThemeList().add(event.success() ? "badge success" : "badge error");
        return badge;
    }

    private void refresh() {
        AuditQuery query = new AuditQuery(blankToNull(login.getValue()), action.getValue(),
                blankToNull(target.getValue()), instant(from.getValue()), instant(to.getValue()), SHOWN);
        grid.setItems(audit.find(signedIn.actor(), query));
    }

    private static Instant instant(LocalDateTime time) {
        return time == null ? null : time.atZone(ZONE).toInstant();
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}

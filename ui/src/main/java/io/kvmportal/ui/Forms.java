package io.kvmportal.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The few building blocks every form and list page of the portal shares. */
public final class Forms {
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private Forms() {
    }

    /** A whole-number field with its bounds, a start value and step buttons. */
    public static IntegerField number(String label, String id, int min, int max, int value) {
        IntegerField field = new IntegerField(label);
        field.setId(id);
        field.setMin(min);
        field.setMax(max);
        field.setValue(value);
        field.setStepButtonsVisible(true);
        return field;
    }

    /** A number field's value; an empty field counts as 0, which the services refuse in words. */
    public static int value(IntegerField field) {
        return field.getValue() == null ? 0 : field.getValue();
    }

    /** A list page's title on the left, its main actions on the right. */
    public static HorizontalLayout pageHeader(String title, Component... actions) {
        HorizontalLayout header = new HorizontalLayout(new H2(title), new HorizontalLayout(actions));
        header.setWidthFull();
        header.setJustifyContentMode(FlexComponent.JustifyContentMode.BETWEEN);
        header.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        return header;
    }

    /** A moment as the portal's pages show it: to the minute, in the server's time zone. */
    public static String minute(Instant moment) {
        return MINUTE.format(moment);
    }
}

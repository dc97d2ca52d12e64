package io.kvmportal.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;

/** The portal's fact cards: a titled box of label-value lines (styles in portal.css). */
public final class Cards {

    private Cards() {
    }

    public static Div card(String title) {
        Div card = new Div(new H3(title));
        card.addClassName("portal-card");
        return card;
    }

    public static Div line(String label, Component value) {
        Span name = new Span(label);
        name.addClassName("label");
        Div line = new Div(name, value);
        line.addClassName("portal-line");
        return line;
    }

    public static Div line(String label, String value) {
        return line(label, new Span(value));
    }
}

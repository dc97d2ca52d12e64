package io.kvmportal.ui.guest;

import com.vaadin.flow.component.ClientCallable;
import com.vaadin.flow.component.Text;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.contextmenu.MenuItem;
import com.vaadin.flow.component.contextmenu.SubMenu;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.menubar.MenuBar;
import com.vaadin.flow.component.menubar.MenuBarVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import io.kvmportal.api.PortalException;
import io.kvmportal.console.ConsoleService;
import io.kvmportal.console.ConsoleTicket;
import io.kvmportal.web.console.ConsoleUpgrade;
import java.util.function.Supplier;

/**
 * A guest's screen in the page, through noVNC over the portal's own WebSocket. The server issues a one-time ticket
 * and hands its path to the browser, which opens the WebSocket itself (so it hears the close code and reason) and
 * gives it to noVNC. The status line is written in the browser: when the account is disabled the session is gone,
 * yet the page must still say why the console closed. The server hears of closes too, to reconnect a console that
 * the guest's power-off ended once the guest runs again.
 */
class GuestConsole extends Div {
    /** Keys a browser keeps for itself, as X keysyms: Control_L, Alt_L, Delete, BackSpace, F1..F7, Tab. */
    private static final int CONTROL = 0xFFE3;
    private static final int ALT = 0xFFE9;
    private static final int GUEST_STOPPED = 4001;
    final Button connect = new Button("Open console", VaadinIcon.DESKTOP.create());
    final Button disconnect = new Button("Close");
    final Button fullScreen = new Button(VaadinIcon.EXPAND_SQUARE.create());
    final Checkbox scale = new Checkbox("Scale to fit", true);
    final MenuBar keys = new MenuBar();
    final Span status = new Span();
    final Div screen = new Div();
    private final Supplier<ConsoleTicket> tickets;
    private final boolean viewOnly;
    private boolean open;
    private boolean endedByGuestStop;

    GuestConsole(Supplier<ConsoleTicket> tickets, boolean viewOnly) {
        this.tickets = tickets;
        this.viewOnly = viewOnly;
        addClassName("guest-console");
        setId("guest-console");
        status.setId("console-status");
        status.addClassName("console-status");
        screen.setId("console-screen");
        screen.addClassName("console-screen");
        connect.setId("console-connect");
        connect.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_SMALL);
        connect.addClickListener(click -> connect());
        disconnect.setId("console-disconnect");
        disconnect.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        disconnect.addClickListener(click -> close());
        fullScreen.setId("console-fullscreen");
        fullScreen.setTooltipText("Full screen");
        fullScreen.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        fullScreen.addClickListener(click -> getElement().executeJs("this.kvmpConsole && this.kvmpConsole.fullScreen()"));
        scale.setId("console-scale");
        scale.addValueChangeListener(change -> getElement().executeJs(
                "this.kvmpConsole && this.kvmpConsole.scale($0)", change.getValue()));
        keys.setId("console-keys");
        keys.addThemeVariants(MenuBarVariant.LUMO_SMALL, MenuBarVariant.LUMO_TERTIARY);
        MenuItem send = keys.addItem(VaadinIcon.KEYBOARD.create());
        send.add(new Text("Send keys"));
        SubMenu combos = send.getSubMenu();
        combos.addItem("Ctrl+Alt+Del", click -> getElement().executeJs(
                "this.kvmpConsole && this.kvmpConsole.ctrlAltDel()"));
        addCombo(combos, "Ctrl+Alt+Backspace", CONTROL, ALT, 0xFF08);
        for (int f = 1; f <= 7; f++) {
            addCombo(combos, "Ctrl+Alt+F" + f, CONTROL, ALT, 0xFFBE + f - 1);
        }
        addCombo(combos, "Alt+Tab", ALT, 0xFF09);
        Button paste = new Button("Clipboard", VaadinIcon.CLIPBOARD_TEXT.create(), click -> openClipboard());
        paste.setId("console-clipboard");
        paste.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        HorizontalLayout bar = new HorizontalLayout(connect, disconnect, status);
        if (!viewOnly) {
            bar.add(keys, paste);
        }
        bar.add(scale, fullScreen);
        bar.setAlignItems(FlexComponent.Alignment.CENTER);
        bar.addClassName("console-bar");
        bar.setWidthFull();
        add(bar, screen);
        disconnect.setVisible(false);
        setStatus("Not connected.", "idle");
    }

    /** Asks for a fresh one-time ticket and connects the browser with it. */
    void connect() {
        ConsoleTicket ticket;
        try {
            ticket = tickets.get();
        } catch (PortalException refused) {
            setStatus(refused.getMessage(), "error");
            return;
        }
        open = true;
        endedByGuestStop = false;
        connect.setText("Reconnect");
        disconnect.setVisible(true);
        String path = ConsoleService.SCREEN_PATH.replace("{guestId}", Long.toString(ticket.guestId()));
        getElement().executeJs(ConsoleScript.OPEN, path, viewOnly, scale.getValue(),
                ConsoleUpgrade.TICKET_PROTOCOL + ticket.token());
    }

    void close() {
        open = false;
        disconnect.setVisible(false);
        getElement().executeJs("this.kvmpConsole && this.kvmpConsole.close()");
    }

    boolean isOpen() {
        return open;
    }

    /** The guest runs again after its power-off closed this console: connect again, as a viewer expects. */
    void guestRunsAgain() {
        if (endedByGuestStop) {
            connect();
        }
    }

    @ClientCallable
    void closed(int code, String reason) {
        open = false;
        endedByGuestStop = code == GUEST_STOPPED;
        disconnect.setVisible(false);
    }

    private void setStatus(String text, String kind) {
        getElement().executeJs("const s = this.querySelector('#console-status'); s.textContent = $0;"
                + " s.dataset.state = $1;", text, kind);
    }

    private void addCombo(SubMenu menu, String label, int... keysyms) {
        menu.addItem(label, click -> getElement().executeJs("this.kvmpConsole && this.kvmpConsole.combo($0)",
                keysymArray(keysyms)));
    }

    private static String keysymArray(int... keysyms) {
        StringBuilder list = new StringBuilder();
        for (int keysym : keysyms) {
            list.append(list.isEmpty() ? "" : ",").append(keysym);
        }
        return list.toString();
    }

    /**
     * Text for the guest's clipboard (QEMU takes it when the guest runs a clipboard agent), and what the guest last
     * put on its own.
     */
    private void openClipboard() {
        TextArea text = new TextArea("Text to send to the guest's clipboard");
        text.setId("console-clipboard-text");
        text.setWidthFull();
        text.setHelperText("The guest receives it if it runs a clipboard agent (spice-vdagent); otherwise type it.");
        com.vaadin.flow.component.dialog.Dialog dialog = new com.vaadin.flow.component.dialog.Dialog(text);
        dialog.setHeaderTitle("Clipboard");
        dialog.setWidth("32em");
        Button send = new Button("Send", click -> {
            getElement().executeJs("this.kvmpConsole && this.kvmpConsole.paste($0)", text.getValue());
            dialog.close();
        });
        send.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.getFooter().add(new Button("Cancel", cancel -> dialog.close()), send);
        dialog.open();
    }
}

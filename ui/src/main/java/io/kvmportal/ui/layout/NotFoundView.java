package io.kvmportal.ui.layout;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.ParentLayout;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.HttpStatusCode;
import io.kvmportal.ui.home.HomeView;
import io.micronaut.context.annotation.Prototype;

/**
 * An address that leads nowhere, inside the portal's frame. Admin views and other users' guests answer with it too
 * (they do not exist for those who may not see them), so it says no more than "not here". Anonymous visitors never
 * see it: access control sends them to the sign-in view first.
 */
@ParentLayout(MainLayout.class)
@PageTitle("Not found · kvm-portal")
@Prototype
public class NotFoundView extends VerticalLayout implements HasErrorParameter<NotFoundException> {
    final H2 heading = new H2("Not found");
    final Paragraph message = new Paragraph();

    public NotFoundView() {
        heading.setId("not-found");
        message.setId("not-found-message");
        add(heading, message, new RouterLink("Back to the overview", HomeView.class));
    }

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<NotFoundException> parameter) {
        // The same words whatever the cause: the router's own message, or a view's, would tell an admin view or
        // another user's guest apart from an address that leads nowhere.
        message.setText("There is no page at /" + event.getLocation().getPath() + ".");
        return HttpStatusCode.NOT_FOUND.getCode();
    }
}

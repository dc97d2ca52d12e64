package io.kvmportal.ui;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.server.AppShellSettings;
import jakarta.inject.Singleton;

/**
 * The page around every view: our plain style sheet from META-INF/resources (no frontend build needed), and server
 * push, so guests that change on their own (power off, crash) show it at once (see {@link LiveUpdates}).
 */
@Push
@Singleton
public class AppShell implements AppShellConfigurator {

    @Override
    public void configurePage(AppShellSettings settings) {
        settings.addLink("stylesheet", "styles/portal.css");
        settings.addFavIcon("icon", "icons/kvm-portal.svg", "any");
    }
}

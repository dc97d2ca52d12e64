package io.kvmportal.web;

import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import jakarta.inject.Singleton;
import org.jsoup.nodes.Element;

/**
 * Gives every {@code <script>} of Vaadin's bootstrap page this request's nonce, the one the Content-Security-Policy
 * header names: Vaadin writes a few inline scripts there, and they are the only inline scripts the policy lets run.
 */
@Singleton
class ScriptNonces implements VaadinServiceInitListener {

    @Override
    public void serviceInit(ServiceInitEvent event) {
        event.addIndexHtmlRequestListener(page -> {
            Object nonce = page.getVaadinRequest().getAttribute(ContentSecurityPolicy.NONCE_ATTRIBUTE);
            if (nonce instanceof String value) {
                for (Element script : page.getDocument().getElementsByTag("script")) {
                    script.attr("nonce", value);
                }
            }
        });
    }
}

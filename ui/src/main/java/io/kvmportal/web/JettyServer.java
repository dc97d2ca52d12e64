package io.kvmportal.web;

import io.kvmportal.console.ConsoleConfiguration;
import io.kvmportal.console.ConsoleService;
import io.kvmportal.web.console.ConsoleUpgrade;
import io.kvmportal.web.console.ScreenSelector;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.runtime.ApplicationConfiguration;
import io.micronaut.servlet.engine.DefaultMicronautServlet;
import io.micronaut.servlet.engine.server.AbstractServletServer;
import jakarta.inject.Singleton;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ResourceServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * The portal's one HTTP port, on Jetty 12 (ee10, Servlet 6.0), as Micronaut's embedded server:
 * <ol>
 *   <li>every request passes the security headers and the session guard (a disabled user's session ends), and its
 *       body the size limit ({@link BodyLimitFilter}, after the API's authentication);</li>
 *   <li>{@code POST /login} is the sign-in form's target; {@code /api/*} is authenticated by session or bearer
 *       token, then served by Micronaut's controllers;</li>
 *   <li>{@code /novnc/*} is noVNC's modules, static from the jar, for anyone (public library code);</li>
 *   <li>everything else is Vaadin, which also serves the classpath's {@code META-INF/resources};</li>
 *   <li>{@code /console/guests/*} is guests' screens as WebSockets ({@link ConsoleUpgrade}), relayed on Jetty's
 *       selector threads together with the guests' VNC sockets ({@link ScreenSelector});</li>
 *   <li>Vaadin's push uses JSR-356 WebSockets on the same port.</li>
 * </ol>
 */
@Singleton
public class JettyServer extends AbstractServletServer<Server> {
    static final String SESSION_COOKIE = "KVMPSESSION";
    private final ApplicationContext context;
    private final HttpServerConfiguration configuration;
    private ServerConnector connector;

    public JettyServer(ApplicationContext context, ApplicationConfiguration application,
                       HttpServerConfiguration configuration) {
        super(context, application, new Server());
        this.context = context;
        this.configuration = configuration;
    }

    @Override
    protected void startServer() throws Exception {
        Server server = getServer();
        // Jetty's defaults bound what comes before a body: request line and headers 8 KiB together (a longer URI
        // answers 414, longer headers 431), a form 1000 keys. Bodies are BodyLimitFilter's.
        HttpConfiguration http = new HttpConfiguration();
        // No "Server: Jetty(12.x)" on every answer: a version number only helps whoever looks for its bugs.
        http.setSendServerVersion(false);
        // Behind a reverse proxy: the client's address and scheme, from the configured proxies' headers only.
        http.addCustomizer(new TrustedProxies(context.getBean(WebConfiguration.class).getTrustedProxies()));
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        // Micronaut's -1 means "any free port"; Jetty's word for that is 0.
        connector.setPort(Math.max(0, configuration.getPort().orElse(8080)));
        configuration.getHost().ifPresent(connector::setHost);
        server.addConnector(connector);

        ServletContextHandler web = new ServletContextHandler(ServletContextHandler.SESSIONS);
        web.setContextPath("/");
        // Vaadin's initializers load classes through the servlet context's class loader.
        web.setClassLoader(JettyServer.class.getClassLoader());
        web.setAttribute(DefaultMicronautServlet.CONTEXT_ATTRIBUTE, context);
        web.setBaseResource(classpathResources(web));
        configureSessions(web.getSessionHandler());

        addFilter(web, SecurityHeadersFilter.class, "/*");
        addFilter(web, SessionGuardFilter.class, "/*");
        addFilter(web, ApiAuthenticationFilter.class, "/api/*");
        // After authentication (which reads no body), before anything that reads one.
        addFilter(web, BodyLimitFilter.class, "/*");
        addFilter(web, FormLoginFilter.class, FormLoginFilter.PATH);
        // The filter hands on forms it has read itself; should Jetty ever parse one, the same limit holds.
        web.setMaxFormContentSize((int) Math.min(Integer.MAX_VALUE, context.getBean(WebConfiguration.class)
                .getMaxBody()));

        ServletHolder api = new ServletHolder("micronaut", new DefaultMicronautServlet(context));
        api.setInitOrder(0);
        // micronaut-servlet 4.x's async path touches requests that Jetty 12 has already recycled.
        api.setAsyncSupported(false);
        web.addServlet(api, "/api/*");

        ServletHolder novnc = new ServletHolder("novnc", ResourceServlet.class);
        // The whole path names the file: /novnc/core/rfb.js is META-INF/resources/novnc/core/rfb.js.
        novnc.setInitParameter("pathInfoOnly", "false");
        novnc.setInitParameter("dirAllowed", "false");
        novnc.setInitParameter("etags", "true");
        web.addServlet(novnc, "/novnc/*");

        ScreenSelector screens = new ScreenSelector(server.getThreadPool(), server.getScheduler(),
                context.getBean(ConsoleConfiguration.class).isZeroCopy());
        server.addBean(screens);
        // Taken now: while the context closes it can no longer make the bean (its data source is gone), and a
        // listener that threw here would leave Jetty running and the JVM unable to end.
        ConsoleService consoles = context.getBean(ConsoleService.class);
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopping(LifeCycle stopping) {
                // Now, while the browsers' connections can still carry the close frames: Micronaut stops this
                // server before it shuts the context down.
                consoles.portalStopping();
                screens.awaitConsolesFinished(Duration.ofSeconds(2));
            }
        });
        ServletHolder console = new ServletHolder("console", new ConsoleUpgrade(context, screens));
        console.setAsyncSupported(false);
        web.addServlet(console, ConsoleUpgrade.MAPPING);

        ServletHolder vaadin = new ServletHolder("vaadin", new MicronautVaadinServlet(context));
        vaadin.setInitOrder(1);
        vaadin.setAsyncSupported(true);
        web.addServlet(vaadin, "/*");
        VaadinInitializers.register(web, context);
        // JSR-356 WebSockets on the same port: Vaadin's push (Atmosphere) needs the container.
        JakartaWebSocketServletContainerInitializer.configure(web, null);

        server.setHandler(web);
        server.start();
    }

    private void addFilter(ServletContextHandler web, Class<? extends Filter> type, String path) {
        FilterHolder holder = new FilterHolder(context.getBean(type));
        holder.setAsyncSupported(true);
        web.addFilter(holder, path, EnumSet.of(DispatcherType.REQUEST));
    }

    private static void configureSessions(SessionHandler sessions) {
        sessions.setSessionCookie(SESSION_COOKIE);
        sessions.setHttpOnly(true);
        // Lax: a cross-site form POST carries no session; the API's Origin check covers the rest.
        sessions.setSameSite(HttpCookie.SameSite.LAX);
        sessions.setMaxInactiveInterval(8 * 60 * 60);
    }

    /**
     * Every {@code META-INF/resources} on the classpath as one base resource: Vaadin serves its push script and
     * our style sheet from there. Vaadin checks resources with {@code Path.of(url.toURI())}, which needs the
     * jar's zip file system open.
     */
    private static Resource classpathResources(ServletContextHandler web) throws IOException {
        List<Resource> roots = new ArrayList<>();
        for (URL url : Collections.list(JettyServer.class.getClassLoader().getResources("META-INF/resources"))) {
            if ("jar".equals(url.getProtocol())) {
                String jar = url.toString().substring(0, url.toString().indexOf("!/") + 2);
                try {
                    FileSystems.newFileSystem(URI.create(jar), Map.of());
                } catch (FileSystemAlreadyExistsException alreadyOpen) {
                    // Opened for another META-INF/resources of the same jar.
                }
            }
            roots.add(ResourceFactory.of(web).newResource(url));
        }
        return ResourceFactory.combine(roots);
    }

    @Override
    protected void stopServer() throws Exception {
        getServer().stop();
    }

    @Override
    public int getPort() {
        return connector == null ? configuration.getPort().orElse(8080) : connector.getLocalPort();
    }

    @Override
    public String getHost() {
        return configuration.getHost().orElse("localhost");
    }

    @Override
    public String getScheme() {
        return "http";
    }

    @Override
    public URL getURL() {
        try {
            return getURI().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public URI getURI() {
        return URI.create(getScheme() + "://" + getHost() + ":" + getPort());
    }

    @Override
    public boolean isRunning() {
        return getServer().isRunning();
    }
}

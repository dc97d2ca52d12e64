package io.kvmportal.e2e;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Every Vaadin route of the packaged portal, read from the jar under test: each class of the portal with
 * {@code @Route} or {@code @RouteAlias}, with its path and {@code @PageTitle}. The jar is loaded in a class loader
 * of its own, apart from the tests' classpath, and no class is initialised.
 */
final class PortalRoutes {
    private static final String PORTAL_PACKAGE = "io/kvmportal/";

    /** One path a view is reachable at; {@code parameterised} if the path takes URL parameters. */
    record ViewRoute(String path, String view, String pageTitle, boolean parameterised) {
    }

    private PortalRoutes() {
    }

    static List<ViewRoute> of(Path jar) throws IOException, ReflectiveOperationException {
        List<ViewRoute> routes = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile());
             URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                     ClassLoader.getPlatformClassLoader())) {
            Class<? extends Annotation> route = annotation(loader, "com.vaadin.flow.router.Route");
            Class<? extends Annotation> alias = annotation(loader, "com.vaadin.flow.router.RouteAlias");
            Class<? extends Annotation> title = annotation(loader, "com.vaadin.flow.router.PageTitle");
            Class<?> urlParameter = loader.loadClass("com.vaadin.flow.router.HasUrlParameter");
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                if (!name.startsWith(PORTAL_PACKAGE) || !name.endsWith(".class") || name.endsWith("-info.class")) {
                    continue;
                }
                Class<?> type = Class.forName(name.replace('/', '.').replace(".class", ""), false, loader);
                List<String> paths = new ArrayList<>();
                if (type.isAnnotationPresent(route)) {
                    paths.add(value(type.getAnnotation(route)));
                }
                for (Annotation each : type.getAnnotationsByType(alias)) {
                    paths.add(value(each));
                }
                String pageTitle = type.isAnnotationPresent(title) ? value(type.getAnnotation(title)) : null;
                for (String path : paths) {
                    routes.add(new ViewRoute("/" + path, type.getName(), pageTitle,
                            urlParameter.isAssignableFrom(type) || path.contains(":")));
                }
            }
        }
        routes.sort(Comparator.comparing(ViewRoute::path));
        return routes;
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends Annotation> annotation(ClassLoader loader, String name)
            throws ClassNotFoundException {
        return (Class<? extends Annotation>) loader.loadClass(name);
    }

    private static String value(Annotation annotation) throws ReflectiveOperationException {
        Method value = annotation.annotationType().getMethod("value");
        return (String) value.invoke(annotation);
    }
}

package io.kvmportal.web;

import io.micronaut.context.BeanContext;
import io.micronaut.inject.BeanDefinition;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.annotation.HandlesTypes;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/**
 * Vaadin sets itself up through servlet container initializers that expect the container to scan the classpath
 * for their {@code @HandlesTypes}. Embedded Jetty does no such scan, and a scan of a shaded jar would be slow:
 * Micronaut already knows our classes at compile time, so we hand Vaadin the matching bean types ourselves.
 */
final class VaadinInitializers {
    private static final String OUR_PACKAGE = "io.kvmportal.";
    // Vaadin's own classes that its initializers expect to find by scanning; absent ones are skipped.
    private static final List<String> VAADIN_CLASSES = List.of("com.vaadin.flow.di.LookupInitializer");

    private VaadinInitializers() {
    }

    static void register(ServletContextHandler context, BeanContext beans) {
        List<Class<?>> candidates = candidates(beans);
        for (ServletContainerInitializer initializer : ServiceLoader.load(ServletContainerInitializer.class)) {
            // Atmosphere's own initializer is skipped: Vaadin configures Atmosphere itself.
            if (initializer.getClass().getName().startsWith("com.vaadin.")) {
                context.addServletContainerInitializer(initializer, matching(initializer, candidates));
            }
        }
    }

    private static List<Class<?>> candidates(BeanContext beans) {
        List<Class<?>> candidates = new ArrayList<>();
        for (BeanDefinition<?> definition : beans.getAllBeanDefinitions()) {
            if (definition.getBeanType().getName().startsWith(OUR_PACKAGE)) {
                candidates.add(definition.getBeanType());
            }
        }
        for (String name : VAADIN_CLASSES) {
            try {
                candidates.add(Class.forName(name, false, VaadinInitializers.class.getClassLoader()));
            } catch (ClassNotFoundException absent) {
                // Not on this classpath: the initializer that wanted it has nothing to do.
            }
        }
        return candidates;
    }

    @SuppressWarnings("unchecked")
    private static Class<?>[] matching(ServletContainerInitializer initializer, List<Class<?>> candidates) {
        HandlesTypes handles = initializer.getClass().getAnnotation(HandlesTypes.class);
        Set<Class<?>> matched = new LinkedHashSet<>();
        if (handles != null) {
            for (Class<?> candidate : candidates) {
                for (Class<?> type : handles.value()) {
                    boolean hit = type.isAnnotation()
                            ? candidate.isAnnotationPresent((Class<? extends Annotation>) type)
                            : type.isAssignableFrom(candidate) && type != candidate;
                    if (hit) {
                        matched.add(candidate);
                    }
                }
            }
        }
        return matched.toArray(new Class<?>[0]);
    }
}

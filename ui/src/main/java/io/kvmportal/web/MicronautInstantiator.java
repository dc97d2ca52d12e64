package io.kvmportal.web;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.di.DefaultInstantiator;
import com.vaadin.flow.server.VaadinService;
import com.vaadin.flow.server.VaadinServiceInitListener;
import io.micronaut.context.BeanContext;
import java.util.stream.Stream;

/** Vaadin asks here for views and components: those that are Micronaut beans come with their services injected. */
final class MicronautInstantiator extends DefaultInstantiator {
    private final BeanContext beans;

    MicronautInstantiator(VaadinService service, BeanContext beans) {
        super(service);
        this.beans = beans;
    }

    @Override
    public <T> T getOrCreate(Class<T> type) {
        return beans.findBeanDefinition(type).isPresent() ? beans.getBean(type) : super.getOrCreate(type);
    }

    @Override
    public <T extends Component> T createComponent(Class<T> type) {
        return beans.findBeanDefinition(type).isPresent() ? beans.getBean(type) : super.createComponent(type);
    }

    /** Service init listeners that are beans (access control) join those found by the service loader. */
    @Override
    public Stream<VaadinServiceInitListener> getServiceInitListeners() {
        return Stream.concat(super.getServiceInitListeners(),
                beans.getBeansOfType(VaadinServiceInitListener.class).stream());
    }
}

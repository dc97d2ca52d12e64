package io.kvmportal.web;

import io.micronaut.context.annotation.Property;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;

/** Tells the person who started the portal where to open it, once it answers. */
@Singleton
class ReadyAnnouncement implements ApplicationEventListener<ServerStartupEvent> {
    private final String dataDir;

    ReadyAnnouncement(@Property(name = "portal.data-dir") String dataDir) {
        this.dataDir = dataDir;
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        System.out.println("kvm-portal is up: http://localhost:" + event.getSource().getPort() + "/ (data in "
                + dataDir + ")");
    }
}

package io.kvmportal.hosts;

import io.kvmportal.guest.GuestEnded;
import io.kvmportal.host.Host;
import io.kvmportal.host.HostConfig;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.event.ApplicationEventPublisher;
import jakarta.inject.Singleton;
import java.nio.file.Path;

/** The one kvm-host facade of this portal process, keeping guests and images in the data directory. */
@Factory
class HostFactory {

    /** A QEMU's end is published as a {@link GuestEnded} event; the guest feature brings its record up to date. */
    @Singleton
    @Bean(preDestroy = "close")
    Host host(@Property(name = "portal.data-dir") String dataDir, HostConfiguration configuration,
              ApplicationEventPublisher<GuestEnded> events) {
        Path data = Path.of(dataDir).toAbsolutePath().normalize();
        HostConfig config = new HostConfig(data.resolve("guests"), data.resolve("images"),
                data.resolve(HostConfig.INSTALLATION_ID), configuration.getAccelerator(),
                configuration.getStartTimeout(), configuration.getCgroupParent());
        return new Host(config, (guest, exit) -> events.publishEvent(new GuestEnded(guest, exit.clean(),
                exit.reason())));
    }
}

package io.kvmportal.hosts;

import io.kvmportal.host.Host;
import io.kvmportal.host.HostConfig;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one kvm-host facade of this portal process, keeping guests and images in the data directory. */
@Factory
class HostFactory {
    private static final Logger LOG = LoggerFactory.getLogger(HostFactory.class);

    @Singleton
    @Bean(preDestroy = "close")
    Host host(@Property(name = "portal.data-dir") String dataDir, HostConfiguration configuration) {
        Path data = Path.of(dataDir).toAbsolutePath().normalize();
        HostConfig config = new HostConfig(data.resolve("guests"), data.resolve("images"),
                configuration.getAccelerator(), configuration.getStartTimeout(), "kvm-portal");
        return new Host(config, (guest, exit) -> LOG.info("guest {} ended: {}", guest, exit));
    }
}

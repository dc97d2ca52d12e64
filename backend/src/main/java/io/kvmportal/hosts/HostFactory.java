package io.kvmportal.hosts;

import io.kvmportal.host.Host;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** The one kvm-host facade of this portal process. */
@Factory
class HostFactory {

    @Singleton
    Host host() {
        return new Host();
    }
}

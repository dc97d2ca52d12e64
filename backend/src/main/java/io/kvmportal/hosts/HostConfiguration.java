package io.kvmportal.hosts;

import io.kvmportal.host.kvm.Accelerator;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code portal.host.*}: how this host runs guests. */
@ConfigurationProperties("portal.host")
public class HostConfiguration {
    private Accelerator accelerator = Accelerator.AUTO;
    private Duration startTimeout = Duration.ofSeconds(30);

    /** AUTO (KVM where it can run stock guests, TCG otherwise), KVM or TCG. */
    public Accelerator getAccelerator() {
        return accelerator;
    }

    public void setAccelerator(Accelerator accelerator) {
        this.accelerator = accelerator;
    }

    public Duration getStartTimeout() {
        return startTimeout;
    }

    public void setStartTimeout(Duration startTimeout) {
        this.startTimeout = startTimeout;
    }
}

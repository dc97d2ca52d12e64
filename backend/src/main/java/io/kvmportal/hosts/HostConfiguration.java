package io.kvmportal.hosts;

import io.kvmportal.host.cgroup.GuestCgroups;
import io.kvmportal.host.kvm.Accelerator;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code portal.host.*}: how this host runs guests. */
@ConfigurationProperties("portal.host")
public class HostConfiguration {
    private Accelerator accelerator = Accelerator.AUTO;
    private Duration startTimeout = Duration.ofSeconds(30);
    private String cgroupParent = GuestCgroups.DEFAULT_PARENT;

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

    /**
     * The cgroup under which each guest gets its own: one or more '/'-separated names below every hierarchy's root.
     * Under systemd on cgroup v2 this must be a subtree delegated to the portal (e.g. {@code kvm-portal.slice}).
     */
    public String getCgroupParent() {
        return cgroupParent;
    }

    public void setCgroupParent(String cgroupParent) {
        this.cgroupParent = cgroupParent;
    }
}

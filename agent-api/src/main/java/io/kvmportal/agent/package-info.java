/**
 * The portal's view of a host: {@link io.kvmportal.agent.HostAgent} and its plain values. The portal depends on
 * this package and {@code grpc} only; kvm-host implements it.
 */
package io.kvmportal.agent;

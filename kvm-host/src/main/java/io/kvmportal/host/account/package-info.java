/**
 * Portal users as Linux accounts. Every guest's QEMU runs as its owner's account, so a QEMU escape is
 * contained to what that account owns: its own guests' run directories and disks.
 * <ol>
 * <li>{@link io.kvmportal.host.account.LinuxAccountName} is the only way to a name: a portal login
 *     becomes {@code kvmp-<login>}, or an administrator names an existing account; both pass one strict
 *     character check before any host program sees them.</li>
 * <li>{@link io.kvmportal.host.account.LinuxAccounts} looks accounts up ({@code getent passwd}),
 *     creates missing ones ({@code useradd --system}, no home, no login shell) and removes them, but only
 *     those it created: each data directory has an {@link io.kvmportal.host.account.InstallationId}
 *     ({@link io.kvmportal.host.account.InstallationIdFile}), and the accounts it creates carry it in their
 *     GECOS field ({@code kvm-portal <id>}). An account without it (an administrator's, an older portal's,
 *     another portal's or test run's on the same host) is used if named, but never removed.</li>
 * <li>{@link io.kvmportal.host.account.KvmAccess} gives an account /dev/kvm as a POSIX ACL entry, per
 *     account, so access never depends on the shared {@code kvm} group; grants are re-applied at start
 *     because devtmpfs forgets ACLs when the node is recreated. Revoke before removing an account:
 *     an entry outlives its account as a bare uid, which the next account with that uid would inherit.</li>
 * </ol>
 */
package io.kvmportal.host.account;
